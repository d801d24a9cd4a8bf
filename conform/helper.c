/*
 * pagecheck's conformance helper: one process per conform run, reading one
 * command a line on stdin and answering one line on stdout ("ok ..." or
 * "err ERRNO-NAME"). Every command opens the files it needs by path and
 * closes them before it answers, so a shutdown can unmount at any point.
 * Files are DIR/f0, DIR/f1, ...; offsets and lengths are in bytes.
 *
 *   dir PATH                      set the directory of the files
 *   setup F BYTES                 create f0..f(F-1) at BYTES (holes), fsync them and DIR
 *   pwrite F OFF LEN BYTE         pwrite LEN bytes of BYTE
 *   pread F OFF LEN               -> ok V... : each 4 KiB block's byte, or x if mixed
 *   mstore F OFF LEN BYTE         mmap(MAP_SHARED), memset, munmap (page_mkwrite)
 *   mload F OFF LEN               -> as pread, through mmap
 *   syncrange F OFF LEN           sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER)
 *   dread F OFF LEN               an O_DIRECT pread (btrfs: waits for the range's ordered extents)
 *   fsync F
 *   clone S D                     FICLONE
 *   clonerange S SOFF D DOFF LEN  FICLONERANGE
 *   dedupe S SOFF D DOFF LEN      FIDEDUPERANGE -> ok STATUS (0 same, 1 differs)
 *   punch F OFF LEN               fallocate(PUNCH_HOLE|KEEP_SIZE)
 *   truncate F BYTES
 *   observe F                     -> ok, then per file: SIZE V,V,... M,M,...
 *                                    M per block: H hole, U unwritten, L delalloc,
 *                                    D:PHYS data, S:PHYS shared (FIEMAP, FIEMAP_FLAG_SYNC off)
 *   shutdown MNT                  FS_IOC_SHUTDOWN (XFS_IOC_GOINGDOWN) with NOLOGFLUSH
 *   remount DEV MNT FSTYPE        umount2(MNT), mount(DEV, MNT, FSTYPE)
 *   quit
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLK 4096
#ifndef FS_IOC_SHUTDOWN
#define FS_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#endif
#define SHUTDOWN_NOLOGFLUSH 0x2 /* XFS_FSOP_GOING_FLAGS_NOLOGFLUSH */

static char dir[4096] = ".";

static void fail(void) { printf("err %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "EUNKNOWN"); }

static int openf(int f, int flags) {
	char path[4200];
	snprintf(path, sizeof path, "%s/f%d", dir, f);
	return open(path, flags, 0644);
}

/* Each block's byte, or 'x' when the block is not one byte throughout. */
static void blocks(const unsigned char *buf, long len) {
	for (long o = 0; o < len; o += BLK) {
		long n = len - o < BLK ? len - o : BLK;
		int same = 1;
		for (long i = 1; i < n; i++) if (buf[o + i] != buf[o]) { same = 0; break; }
		if (same) printf("%s%u", o ? "," : "", buf[o]);
		else printf("%sx", o ? "," : "");
	}
}

static int cmd_read(int f, long off, long len, int viammap) {
	int fd = openf(f, O_RDONLY);
	if (fd < 0) return -1;
	unsigned char *buf = malloc(len ? len : 1);
	if (viammap) {
		void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
		if (m == MAP_FAILED) { int e = errno; close(fd); free(buf); errno = e; return -1; }
		memcpy(buf, m, len);
		munmap(m, len);
	} else if (pread(fd, buf, len, off) != len) {
		int e = errno ? errno : EIO; close(fd); free(buf); errno = e; return -1;
	}
	close(fd);
	printf("ok ");
	blocks(buf, len);
	printf("\n");
	free(buf);
	return 0;
}

static int cmd_observe(int nfiles) {
	printf("ok");
	for (int f = 0; f < nfiles; f++) {
		int fd = openf(f, O_RDONLY);
		if (fd < 0) return -1;
		struct stat st;
		if (fstat(fd, &st) < 0) { close(fd); return -1; }
		long size = st.st_size;
		unsigned char *buf = malloc(size ? size : 1);
		if (pread(fd, buf, size, 0) != size) { int e = errno ? errno : EIO; close(fd); free(buf); errno = e; return -1; }
		printf(" %ld ", size);
		if (size) blocks(buf, size); else printf("-");
		free(buf);
		enum { MAX = 256 };
		struct fiemap *fm = calloc(1, sizeof *fm + MAX * sizeof(struct fiemap_extent));
		fm->fm_start = 0;
		fm->fm_length = size ? size : 1;
		fm->fm_extent_count = MAX;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0) { int e = errno; close(fd); free(fm); errno = e; return -1; }
		close(fd);
		printf(" ");
		if (!size) printf("-");
		for (long o = 0; o < size; o += BLK) {
			const char *sep = o ? "," : "";
			struct fiemap_extent *hit = NULL;
			for (unsigned i = 0; i < fm->fm_mapped_extents; i++) {
				struct fiemap_extent *e = &fm->fm_extents[i];
				if ((uint64_t)o >= e->fe_logical && (uint64_t)o < e->fe_logical + e->fe_length) { hit = e; break; }
			}
			if (!hit) printf("%sH", sep);
			else if (hit->fe_flags & FIEMAP_EXTENT_DELALLOC) printf("%sL", sep);
			else if (hit->fe_flags & FIEMAP_EXTENT_UNWRITTEN) printf("%sU", sep);
			else printf("%s%c:%llu", sep, hit->fe_flags & FIEMAP_EXTENT_SHARED ? 'S' : 'D',
				    (unsigned long long)(hit->fe_physical + (o - hit->fe_logical)));
		}
		free(fm);
	}
	printf("\n");
	return 0;
}

static int run(char *line) {
	char op[32] = "";
	char a1[4096] = "", a2[4096] = "", a3[64] = "";
	long x[5] = {0};
	if (sscanf(line, "%31s", op) != 1) { errno = EINVAL; return -1; }
	const char *rest = line + strlen(op);
	if (!strcmp(op, "dir")) {
		if (sscanf(rest, "%4095s", dir) != 1) { errno = EINVAL; return -1; }
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "setup")) {
		sscanf(rest, "%ld %ld", &x[0], &x[1]);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) return -1;
		for (int f = 0; f < x[0]; f++) {
			int fd = openf(f, O_RDWR | O_CREAT | O_TRUNC);
			if (fd < 0 || ftruncate(fd, x[1]) < 0 || fsync(fd) < 0) return -1;
			close(fd);
		}
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd < 0 || fsync(dfd) < 0) return -1;
		close(dfd);
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "pwrite") || !strcmp(op, "mstore")) {
		sscanf(rest, "%ld %ld %ld %ld", &x[0], &x[1], &x[2], &x[3]);
		int fd = openf(x[0], O_RDWR);
		if (fd < 0) return -1;
		unsigned char *buf = malloc(x[2]);
		memset(buf, (int)x[3], x[2]);
		if (op[0] == 'p') {
			if (pwrite(fd, buf, x[2], x[1]) != x[2]) { int e = errno; close(fd); free(buf); errno = e; return -1; }
		} else {
			void *m = mmap(NULL, x[2], PROT_READ | PROT_WRITE, MAP_SHARED, fd, x[1]);
			if (m == MAP_FAILED) { int e = errno; close(fd); free(buf); errno = e; return -1; }
			memcpy(m, buf, x[2]);
			munmap(m, x[2]);
		}
		free(buf);
		close(fd);
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "dread")) {
		sscanf(rest, "%ld %ld %ld", &x[0], &x[1], &x[2]);
		int fd = openf(x[0], O_RDONLY | O_DIRECT);
		if (fd < 0) return -1;
		void *buf;
		if (posix_memalign(&buf, BLK, x[2] ? x[2] : BLK)) { close(fd); errno = ENOMEM; return -1; }
		long r = pread(fd, buf, x[2], x[1]);
		int e = errno;
		close(fd);
		if (r < 0) { free(buf); errno = e; return -1; }
		printf("ok ");
		blocks(buf, r);
		printf("\n");
		free(buf);
		return 0;
	}
	if (!strcmp(op, "pread") || !strcmp(op, "mload")) {
		sscanf(rest, "%ld %ld %ld", &x[0], &x[1], &x[2]);
		return cmd_read(x[0], x[1], x[2], op[0] == 'm');
	}
	if (!strcmp(op, "syncrange") || !strcmp(op, "fsync") || !strcmp(op, "punch") || !strcmp(op, "truncate")) {
		sscanf(rest, "%ld %ld %ld", &x[0], &x[1], &x[2]);
		int fd = openf(x[0], O_RDWR);
		if (fd < 0) return -1;
		int r;
		if (op[0] == 's') r = sync_file_range(fd, x[1], x[2], SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
		else if (op[0] == 'f') r = fsync(fd);
		else if (op[0] == 'p') r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, x[1], x[2]);
		else r = ftruncate(fd, x[1]);
		int e = errno;
		close(fd);
		if (r < 0) { errno = e; return -1; }
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "clone") || !strcmp(op, "clonerange") || !strcmp(op, "dedupe")) {
		sscanf(rest, "%ld %ld %ld %ld %ld", &x[0], &x[1], &x[2], &x[3], &x[4]);
		int src = openf(x[0], O_RDONLY);
		int dst = openf(op[0] == 'c' && op[5] == 0 ? x[1] : x[2], O_RDWR);
		if (src < 0 || dst < 0) return -1;
		int r, status = -1;
		if (!strcmp(op, "clone")) r = ioctl(dst, FICLONE, src);
		else if (!strcmp(op, "clonerange")) {
			struct file_clone_range fcr = { .src_fd = src, .src_offset = x[1], .src_length = x[4], .dest_offset = x[3] };
			r = ioctl(dst, FICLONERANGE, &fcr);
		} else {
			struct file_dedupe_range *fdr = calloc(1, sizeof *fdr + sizeof(struct file_dedupe_range_info));
			fdr->src_offset = x[1];
			fdr->src_length = x[4];
			fdr->dest_count = 1;
			fdr->info[0].dest_fd = dst;
			fdr->info[0].dest_offset = x[3];
			r = ioctl(src, FIDEDUPERANGE, fdr);
			if (r == 0 && fdr->info[0].status < 0) { errno = -fdr->info[0].status; r = -1; }
			else status = fdr->info[0].status == FILE_DEDUPE_RANGE_SAME ? 0 : 1;
			free(fdr);
		}
		int e = errno;
		close(src);
		close(dst);
		if (r < 0) { errno = e; return -1; }
		if (status >= 0) printf("ok %d\n", status);
		else printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "observe")) {
		sscanf(rest, "%ld", &x[0]);
		return cmd_observe(x[0]);
	}
	if (!strcmp(op, "shutdown")) {
		sscanf(rest, "%4095s", a1);
		int fd = open(a1, O_RDONLY | O_DIRECTORY);
		if (fd < 0) return -1;
		uint32_t flags = SHUTDOWN_NOLOGFLUSH;
		int r = ioctl(fd, FS_IOC_SHUTDOWN, &flags);
		int e = errno;
		close(fd);
		if (r < 0) { errno = e; return -1; }
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "remount")) {
		if (sscanf(rest, "%4095s %4095s %63s", a1, a2, a3) != 3) { errno = EINVAL; return -1; }
		if (umount2(a2, 0) < 0) return -1;
		if (mount(a1, a2, a3, 0, NULL) < 0) return -1;
		printf("ok\n");
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int main(void) {
	char *line = NULL;
	size_t cap = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (getline(&line, &cap, stdin) > 0) {
		if (!strncmp(line, "quit", 4)) break;
		errno = 0;
		if (run(line) < 0) fail();
		fflush(stdout);
	}
	free(line);
	return 0;
}
