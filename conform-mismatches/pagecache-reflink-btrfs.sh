#!/bin/sh
# pagecache-reflink (F=2 B=2 V=3 P=6) on btrfs: pagecheck conform pagecache-reflink --fs btrfs --runs 1000 --steps 30 --seed 7
# Reproduces a difference between pagecheck's model and the running kernel on btrfs.
# Needs root, a loop device and xfs_io (xfsprogs). Makes and removes its own filesystem.
# The difference: after reflink(s=1, sb=0, d=0, db=0): file 0 block 1 is not SHARED in FIEMAP, the model says shared (refcount > 1)
set -e
W=$(mktemp -d)
MNT="$W/mnt"; D="$MNT/d"
truncate -s 512M "$W/fs.img"
LOOP=$(losetup -f --show "$W/fs.img")
trap 'umount "$MNT" 2>/dev/null; losetup -d "$LOOP"; rm -rf "$W"' EXIT INT TERM
mkfs.btrfs -q -f "$LOOP"
mkdir -p "$MNT" && mount "$LOOP" "$MNT" && mkdir "$D"
# Each 4 KiB block of a file: its bytes, one value when the block is uniform.
blocks() { for o in $(seq $2 4096 $(($2 + $3 - 1))); do printf 'f%s block %s: ' $1 $((o / 4096)); od -An -v -tu1 -j $o -N 4096 "$D/f$1" | tr -s ' ' '\n' | sed '/^$/d' | sort -un | tr '\n' ' '; echo; done; }
for f in $(seq 0 1); do xfs_io -f -c "truncate 8192" -c fsync "$D/f$f"; done
xfs_io -r -c fsync "$D"
echo '# step 1: write(f=1, b=1, v=1)'
#   kernel: pwrite -> iomap_write_iter: the folio dirtied (delalloc; over a shared block xfs_reflink_reserve_cow)
xfs_io -c "pwrite -q -S 0x01 4096 4096" "$D/f1"
echo '# step 2: write(f=0, b=0, v=1)'
#   kernel: pwrite -> iomap_write_iter: the folio dirtied (delalloc; over a shared block xfs_reflink_reserve_cow)
xfs_io -c "pwrite -q -S 0x01 0 4096" "$D/f0"
echo '# step 3: clone(s=1, d=0)'
#   kernel: FICLONE -> xfs_file_remap_range: both ranges written back, destination cache dropped, blocks remapped
xfs_io -c "reflink $D/f1" "$D/f0"
echo '# step 4: write(f=1, b=1, v=1)'
#   kernel: pwrite -> iomap_write_iter: the folio dirtied (delalloc; over a shared block xfs_reflink_reserve_cow)
xfs_io -c "pwrite -q -S 0x01 4096 4096" "$D/f1"
echo '# step 5: write(f=0, b=0, v=1)'
#   kernel: pwrite -> iomap_write_iter: the folio dirtied (delalloc; over a shared block xfs_reflink_reserve_cow)
xfs_io -c "pwrite -q -S 0x01 0 4096" "$D/f0"
echo '# step 6: reflink(s=1, sb=0, d=0, db=0)'
#   kernel: FICLONERANGE of one block -> xfs_reflink_remap_blocks
xfs_io -c "reflink $D/f1 0 0 4096" "$D/f0"
echo "# what a user sees now (FIEMAP FLAGS: 0x2000 shared, 0x800 unwritten, 0x4 delalloc, 0x1 last):"
for f in $(seq 0 1); do echo "f$f: $(stat -c %s "$D/f$f") bytes"; s=$(stat -c %s "$D/f$f"); [ "$s" -gt 0 ] && blocks $f 0 $s; xfs_io -r -c "fiemap -v" "$D/f$f" | sed 1d; done
# the model expected: f0: 0,1 [H,S]; f1: 0,1 [H,?]
# pagecheck saw:      f0: 0,1 [H,D:14782464]; f1: 0,1 [H,D:14790656]
