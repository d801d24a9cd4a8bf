/*
 * The guest side of the DAX oracle (conform/vm): built static on the host,
 * run inside the VM on an XFS file system mounted -o dax=always on an
 * emulated NVDIMM. Subcommands:
 *   isdax FILE            prints "dax 1" when statx reports STATX_ATTR_DAX
 *   clone SRC DST         FICLONE: DST shares SRC's extents (cp --reflink)
 *   fill FILE C [N]       N (default 1) 4096-byte blocks of byte C, fsync
 *   syncstore FILE MODE   mmap FILE MAP_SHARED_VALIDATE|MAP_SYNC, store "U"
 *                         to page 0 (the write fault), clflush + sfence;
 *                         MODE "fsync" then fsyncs (a control); MODE
 *                         "second" maps two pages and stores to page 1 after
 *                         page 0's fault returned (the CoW fork then holds
 *                         page 1's block already: cowextsize); MODE
 *                         "second-fsync" the same, then fsync (a control); prints the
 *                         vma's VmFlags and, if tracing was set up, the
 *                         trace, then "PAGECHECK-KILL-ME" and waits to be
 *                         killed (the host kills qemu on that line)
 *   dump FILE             prints "FILE size N head XXXXXXXX" (first 8 bytes),
 *                         and "head1 XXXXXXXX" for page 1 when there is one
 * Why C: statx's attribute, FICLONE and a store through a MAP_SYNC mapping
 * followed at once by the signal to the host need no more than libc, and a
 * static binary needs nothing in the initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../map-sync.h"
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

static int die(const char *what) {
  printf("PAGECHECK error %s: %s\n", what, strerror(errno));
  fflush(stdout);
  return 1;
}

static void vmflags(void *addr) {
  char flags[512];
  if (vma_flags(addr, flags, sizeof flags) == 1) printf("PAGECHECK vmflags%s", flags);
}

static void trace(void) {
  char line[512];
  FILE *f = fopen("/sys/kernel/tracing/trace", "r");
  if (!f) return;
  while (fgets(line, sizeof line, f))
    if (line[0] != '#') printf("PAGECHECK trace %s", line);
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *cmd = argv[1], *path = argv[2];
  if (!strcmp(cmd, "isdax")) {
    struct statx st;
    if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &st) < 0) return die("statx");
    printf("PAGECHECK dax %d mask %d\n", !!(st.stx_attributes & STATX_ATTR_DAX), !!(st.stx_attributes_mask & STATX_ATTR_DAX));
    return 0;
  }
  if (!strcmp(cmd, "clone") && argc == 4) {
    int src = open(path, O_RDONLY), dst = open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (src < 0 || dst < 0) return die("open");
    if (ioctl(dst, FICLONE, src) < 0) return die("FICLONE");
    if (fsync(dst) < 0 || fsync(src) < 0) return die("fsync");
    return 0;
  }
  if (!strcmp(cmd, "fill") && argc >= 4) {
    char buf[4096];
    int n = argc > 4 ? atoi(argv[4]) : 1;
    memset(buf, argv[3][0], sizeof buf);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return die("open");
    for (int i = 0; i < n; i++)
      if (pwrite(fd, buf, sizeof buf, (off_t)i * 4096) != sizeof buf) return die("write");
    if (fsync(fd) < 0) return die("fsync");
    return 0;
  }
  if (!strcmp(cmd, "dump")) {
    unsigned char head[2][9] = { { 0 } };
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0) return die("open");
    int pages = st.st_size >= 8192 ? 2 : 1;
    for (int p = 0; p < pages; p++) {
      if (pread(fd, head[p], 8, (off_t)p * 4096) < 0) return die("pread");
      for (int i = 0; i < 8; i++) if (head[p][i] < 0x20 || head[p][i] > 0x7e) head[p][i] = '.';
    }
    printf("PAGECHECK dump %s size %lld head %s", path, (long long)st.st_size, head[0]);
    if (pages > 1) printf(" head1 %s", head[1]);
    printf("\n");
    return 0;
  }
  if (!strcmp(cmd, "syncstore") && argc == 4) {
    int fd = open(path, O_RDWR);
    if (fd < 0) return die("open");
    int second = !strncmp(argv[3], "second", 6);
    volatile char *p = mmap(NULL, second ? 8192 : 4096, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
    if (p == MAP_FAILED) return die("mmap");
    /* The write fault: on a shared extent, the CoW (dax_iomap_fault). */
    p[0] = 'U';
    __asm__ volatile("clflush %0" : "+m"(*(volatile char *)p));
    __asm__ volatile("sfence" ::: "memory");
    if (second) {
      /* Page 0's fault forced the log; now page 1's, its CoW block already
       * in the CoW fork from page 0's allocation. The trace shows both. */
      p[4096] = 'V';
      __asm__ volatile("clflush %0" : "+m"(*(volatile char *)(p + 4096)));
      __asm__ volatile("sfence" ::: "memory");
    }
    int n = strlen(argv[3]);
    if (n >= 5 && !strcmp(argv[3] + n - 5, "fsync") && fsync(fd) < 0) return die("fsync");
    printf("PAGECHECK stored\n");
    vmflags((void *)p);
    trace();
    printf("PAGECHECK-KILL-ME\n");
    fflush(stdout);
    /* Wait to be killed; never exit (an exit would unmap, close, and let the
     * guest go on). The host kills within a fraction of a second; the
     * guest's own 30 s log worker is the limit (xfs_log_worker). */
    for (;;) pause();
  }
  return 2;
}
