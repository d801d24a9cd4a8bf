#!/bin/sh
# Derived from the crash outcomes pagecache-reflink allows and confirmed on the kernel (XFS, 6.18): after a shutdown, f1 reads f0's later in-place write.
# pagecache-reflink V=4 on xfs: fsync-durability broken by the kernel
# Reproduces a difference between pagecheck's model and the running kernel on xfs.
# Needs root, a loop device, xfs_io (xfsprogs) and filefrag (e2fsprogs). Makes and removes its own filesystem.
# The difference: none: the model allows it; the state breaks fsync-durability (f1 reads 3; its last fsync and its writes since allow only 1 or 2)
set -e
W=$(mktemp -d)
MNT="$W/mnt"; D="$MNT/d"
truncate -s 512M "$W/fs.img"
LOOP=$(losetup -f --show "$W/fs.img")
trap 'umount "$MNT" 2>/dev/null; losetup -d "$LOOP"; rm -rf "$W"' EXIT INT TERM
mkfs.xfs -q -f -m reflink=1 "$LOOP"
mkdir -p "$MNT" && mount "$LOOP" "$MNT" && mkdir "$D"
# Each 4 KiB block of a file: its bytes, one value when the block is uniform.
blocks() { for o in $(seq $2 4096 $(($2 + $3 - 1))); do printf 'f%s block %s: ' $1 $((o / 4096)); od -An -v -tu1 -j $o -N 4096 "$D/f$1" | tr -s ' ' '\n' | sed '/^$/d' | sort -un | tr '\n' ' '; echo; done; }
for f in $(seq 0 1); do xfs_io -f -c "truncate 4096" -c fsync "$D/f$f"; done
xfs_io -r -c fsync "$D"
echo '# step 1: write(f=0, b=0, v=1)'
xfs_io -c "pwrite -q -S 0x01 0 4096" "$D/f0"
echo '# step 2: clone(s=0, d=1)'
xfs_io -c "reflink $D/f0" "$D/f1"
echo '# step 3: fsync(f=1)'
xfs_io -c "fsync" "$D/f1"
echo '# step 4: write(f=1, b=0, v=2)'
xfs_io -c "pwrite -q -S 0x02 0 4096" "$D/f1"
echo '# step 5: writeback(f=1, b=0)'
xfs_io -c "sync_range -w 0 4096" -c "sync_range -a 0 4096" "$D/f1"
xfs_io -d -r -c "pread -q 0 4096" "$D/f1"
echo '# step 6: write(f=0, b=0, v=3)'
xfs_io -c "pwrite -q -S 0x03 0 4096" "$D/f0"
echo '# step 7: writeback(f=0, b=0)'
xfs_io -c "sync_range -w 0 4096" -c "sync_range -a 0 4096" "$D/f0"
xfs_io -d -r -c "pread -q 0 4096" "$D/f0"
echo '# step 8: crash()'
xfs_io -x -c "shutdown" "$MNT"   # no -f: the log is not flushed
umount "$MNT" && mount "$LOOP" "$MNT"
echo "# what a user sees now (FIEMAP through filefrag, without FIEMAP_FLAG_SYNC):"
for f in $(seq 0 1); do echo "f$f: $(stat -c %s "$D/f$f") bytes"; s=$(stat -c %s "$D/f$f"); [ "$s" -gt 0 ] && blocks $f 0 $s; filefrag -v -b4096 "$D/f$f" | sed -n '/^ *[0-9]*:/p'; done
# the model expected: f1 block 0 reads 1 or 2
# pagecheck saw:      f1 block 0 reads 3 (f0's in-place write)
