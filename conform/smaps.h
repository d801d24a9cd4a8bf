/*
 * The VmFlags line of the vma that starts at addr, read from
 * /proc/self/smaps (shared by mmap-flags.c and vm/dax-probe.c).
 */
#ifndef PAGECHECK_SMAPS_H
#define PAGECHECK_SMAPS_H
#include <stdio.h>
#include <string.h>

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
