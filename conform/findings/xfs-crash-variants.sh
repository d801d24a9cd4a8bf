#!/bin/sh
# usage: var.sh MODE  ; modes: base, shutf, sync, fsync0, fdatasync0, osync, punch, punch_fsync0, nofsync1, syncfs1
MODE=$1
set -e
W=$(mktemp -d)
MNT="$W/mnt"; D="$MNT/d"
truncate -s 512M "$W/fs.img"
LOOP=$(losetup -f --show "$W/fs.img")
trap 'umount "$MNT" 2>/dev/null || true; losetup -d "$LOOP" || true; rm -rf "$W"' EXIT INT TERM
mkfs.xfs -q -f -m reflink=1 "$LOOP"
MOPT=""; [ "$MODE" = osync ] && MOPT="-o sync"
mkdir -p "$MNT" && mount $MOPT "$LOOP" "$MNT" && mkdir "$D"
for f in 0 1; do xfs_io -f -c "truncate 4096" -c fsync "$D/f$f"; done
xfs_io -r -c fsync "$D"
xfs_io -c "pwrite -q -S 0x01 0 4096" "$D/f0"
xfs_io -c "reflink $D/f0" "$D/f1" >/dev/null
[ "$MODE" != nofsync1 ] && xfs_io -c "fsync" "$D/f1"
echo "after clone+fsync: $(filefrag -v -b4096 $D/f1 | sed -n '/^ *0:/p')"
case $MODE in
 punch*) xfs_io -c "fpunch 0 4096" "$D/f1" ;;
 *) xfs_io -c "pwrite -q -S 0x02 0 4096" "$D/f1"; xfs_io -c "sync_range -w 0 4096" -c "sync_range -a 0 4096" "$D/f1" ;;
esac
echo "f1 before crash: $(filefrag -v -b4096 $D/f1 | sed -n '/^ *0:/p')"
[ "$MODE" = fsync1late ] && xfs_io -c fsync "$D/f1"
if [ "$MODE" = dio0 ]; then xfs_io -d -c "pwrite -q -S 0x03 0 4096" "$D/f0"; else xfs_io -c "pwrite -q -S 0x03 0 4096" "$D/f0"; fi
xfs_io -c "sync_range -w 0 4096" -c "sync_range -a 0 4096" "$D/f0"
case $MODE in
 fsync0|punch_fsync0) xfs_io -c fsync "$D/f0";;
 fdatasync0) xfs_io -c fdatasync "$D/f0";;
 sync) sync;;
 syncfs1) xfs_io -c syncfs "$D/f1";;
 sleep35) sleep 35;;
 sleep5) sleep 5;;
 fsyncother) xfs_io -f -c "pwrite -q 0 4096" -c fsync "$D/other";;
esac
echo "f0 before crash: $(filefrag -v -b4096 $D/f0 | sed -n '/^ *0:/p')"
if [ "$MODE" = shutf ]; then xfs_io -x -c "shutdown -f" "$MNT"; else xfs_io -x -c "shutdown" "$MNT"; fi
umount "$MNT" && mount "$LOOP" "$MNT"
for f in 0 1; do printf "after: f$f size=%s bytes=%s  map=%s\n" "$(stat -c %s $D/f$f)" "$(od -An -v -tu1 $D/f$f | tr -s ' ' '\n' | sed '/^$/d' | sort -un | tr '\n' ' ')" "$(filefrag -v -b4096 $D/f$f | sed -n '/^ *0:/p')"; done
umount "$MNT"; xfs_repair -n "$LOOP" >/dev/null 2>&1 && echo "xfs_repair -n: clean" || echo "xfs_repair -n: PROBLEMS rc=$?"
