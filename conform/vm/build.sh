#!/bin/sh
# Builds the DAX oracle's initramfs (conform/vm) from what this host has
# installed: busybox-static, the kernel's modules for NVDIMM, pmem and XFS
# (and what modules.dep says they need), mkfs.xfs, xfs_io and ndctl with the
# shared libraries ldd names, and conform/vm/dax-probe.c and
# conform/mmap-flags.c built static here.
# Usage: build.sh KERNEL_VERSION OUTPUT_DIR   (writes OUTPUT_DIR/initramfs.cpio.gz)
set -eu
ver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mods=/lib/modules/$ver
root=$out/root
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/lib" "$root/lib64" "$root/etc" "$root$mods"

cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
ln -s ../bin/busybox "$root/sbin/modprobe"
cp "$here/init" "$root/init"
chmod +x "$root/init"

cc="gcc -O2 -Wall -static"
$cc -o "$root/bin/dax-probe" "$here/dax-probe.c"
$cc -o "$root/bin/mmap-flags" "$here/../mmap-flags.c"

# Modules: the named ones and, transitively, their dependencies.
need="crc32c_generic crc32c-intel libcrc32c libnvdimm nfit nd_btt nd_pmem xfs"
paths=""
for m in $need; do
  p=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$mods/modules.dep" | head -1) || true
  [ -n "$p" ] || continue
  paths="$paths ${p%%:*} ${p#*:}"
done
for p in $(echo "$paths" | tr ' ' '\n' | sort -u); do
  mkdir -p "$root$mods/$(dirname "$p")"
  cp "$mods/$p" "$root$mods/$p"
done
# busybox modprobe reads modules.dep (and modules.alias for aliases).
for p in $(cd "$root$mods" && find kernel -name '*.ko*'); do grep -E "^$p:" "$mods/modules.dep"; done >"$root$mods/modules.dep"
cp "$mods/modules.alias" "$mods/modules.order" "$mods/modules.builtin" "$root$mods/" 2>/dev/null || true

# Dynamic binaries with their libraries.
for b in /usr/sbin/mkfs.xfs /usr/sbin/xfs_io /usr/bin/ndctl; do
  cp "$b" "$root/bin/"
  for lib in $(ldd "$b" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
    case $lib in
    /lib64/*) cp -L "$lib" "$root/lib64/" ;;
    *) cp -L "$lib" "$root/lib/" ;;
    esac
  done
done
echo /lib >"$root/etc/ld.so.conf"
# The dynamic loader looks in /lib/x86_64-linux-gnu and /lib; /lib is enough.
mkdir -p "$root/lib/x86_64-linux-gnu"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out/initramfs.cpio.gz"
echo "$out/initramfs.cpio.gz"
