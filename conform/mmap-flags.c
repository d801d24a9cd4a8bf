/*
 * mmap(2) of one file with each mapping type, with and without MAP_SYNC:
 * prints one line per call, "TYPE SYNC ok VMSYNC" or "TYPE SYNC ERRNO-NAME",
 * VMSYNC being 1 when /proc/self/smaps shows "sf" (VM_SYNC) on the vma.
 * Used by conform/mmap-flags.ts to hold pmem-map-sync-flags against the
 * running kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "map-sync.h"

/* 1 when the vma shows "sf" (VM_SYNC), 0 when not, -1 when smaps cannot be read. */
static int vm_sync(void *addr) {
  char flags[512];
  int r = vma_flags(addr, flags, sizeof flags);
  return r <= 0 ? r : strstr(flags, " sf") != NULL;
}

int main(int argc, char **argv) {
  static const struct { const char *name; int flags; } types[] = {
    { "MAP_SHARED", MAP_SHARED }, { "MAP_SHARED_VALIDATE", MAP_SHARED_VALIDATE }, { "MAP_PRIVATE", MAP_PRIVATE },
  };
  if (argc != 2) return 2;
  int fd = open(argv[1], O_RDWR | O_CREAT, 0644);
  if (fd < 0 || ftruncate(fd, 4096) < 0) { perror(argv[1]); return 1; }
  for (int t = 0; t < 3; t++) {
    for (int sync = 0; sync <= 1; sync++) {
      void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, types[t].flags | (sync ? MAP_SYNC : 0), fd, 0);
      if (p == MAP_FAILED) {
        printf("%s %d %s\n", types[t].name, sync, errno == EOPNOTSUPP ? "EOPNOTSUPP" : strerrorname_np(errno));
        continue;
      }
      printf("%s %d ok %d\n", types[t].name, sync, vm_sync(p));
      munmap(p, 4096);
    }
  }
  return 0;
}
