/*
 * What both MAP_SYNC probes (mmap-flags.c and vm/dax-probe.c) need: the
 * flags, for a libc whose headers lack them, and the VmFlags line of a vma,
 * read from /proc/self/smaps.
 */
#ifndef PAGECHECK_MAP_SYNC_H
#define PAGECHECK_MAP_SYNC_H
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

/* Copies the flags after "VmFlags:" into out; 1 when found, 0 when not, -1 when smaps cannot be read. */
static int vma_flags(void *addr, char *out, size_t n) {
  char want[32], line[512];
  int in = 0, found = 0;
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return -1;
  snprintf(want, sizeof want, "%lx-", (unsigned long)addr);
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, want, strlen(want))) in = 1;
    else if (in && !strncmp(line, "VmFlags:", 8)) {
      snprintf(out, n, "%s", line + 8);
      found = 1;
      break;
    }
  }
  fclose(f);
  return found;
}
#endif
