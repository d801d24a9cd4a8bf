/**
 * The shell script that reproduces a conformance finding on any Linux
 * machine with xfsprogs (and btrfs-progs for btrfs), without pagecheck: it
 * makes its own filesystem in a file, runs the same operations as xfs_io
 * commands, and prints what a user sees at the end (each block's bytes,
 * FIEMAP), with what the model expected there as a comment. One xfs_io
 * command per helper line (conform/helper.c), so the two cannot drift apart
 * unnoticed: a line with no translation is an error here.
 */
import type { FsType } from './fs.js';
import { BLOCK } from './observe.js';

export interface ScriptStep {
  readonly label: string;
  readonly note?: string;
  readonly lines: readonly string[];
}

export interface ScriptInput {
  readonly title: string;
  readonly fs: FsType;
  readonly files: number;
  readonly bytes: number;
  readonly steps: readonly ScriptStep[];
  /** What differed, the model's expectation and the kernel's answer at the last step. */
  readonly mismatch: string;
  readonly expected: string;
  readonly got: string;
}

const file = (f: string) => `"$D/f${f}"`;
/** A file named inside an xfs_io -c string (xfs_io splits on blanks; mktemp's paths have none). */
const inner = (f: string) => `$D/f${f}`;
const hex = (v: string) => `0x${Number(v).toString(16).padStart(2, '0')}`;

/** One helper line as shell. */
export function xfsIo(line: string): string {
  const [op, ...a] = line.split(' ');
  switch (op) {
    case 'pwrite':
      return `xfs_io -c "pwrite -q -S ${hex(a[3])} ${a[1]} ${a[2]}" ${file(a[0])}`;
    case 'mstore':
      return `xfs_io -c "mmap -rw ${a[1]} ${a[2]}" -c "mwrite -S ${hex(a[3])} ${a[1]} ${a[2]}" -c "munmap" ${file(a[0])}`;
    case 'pread':
      return `xfs_io -r -c "pread -q ${a[1]} ${a[2]}" ${file(a[0])}; blocks ${a[0]} ${a[1]} ${a[2]}`;
    case 'mload':
      return `xfs_io -r -c "mmap -r ${a[1]} ${a[2]}" -c "mread -q ${a[1]} ${a[2]}" -c "munmap" ${file(a[0])}; blocks ${a[0]} ${a[1]} ${a[2]}`;
    // xfs_io 6.1 keeps only the last of -b/-w/-a, so `sync_range -b -w -a` only waits: start the writeback, then wait for it.
    case 'syncrange':
      return `xfs_io -c "sync_range -w ${a[1]} ${a[2]}" -c "sync_range -a ${a[1]} ${a[2]}" ${file(a[0])}`;
    case 'dread':
      return `xfs_io -d -r -c "pread -q ${a[1]} ${a[2]}" ${file(a[0])}`;
    case 'fsync':
      return `xfs_io -c "fsync" ${file(a[0])}`;
    case 'clone':
      return `xfs_io -c "reflink ${inner(a[0])}" ${file(a[1])}`;
    case 'clonerange':
      return `xfs_io -c "reflink ${inner(a[0])} ${a[1]} ${a[3]} ${a[4]}" ${file(a[2])}`;
    case 'dedupe':
      return `xfs_io -c "dedupe ${inner(a[0])} ${a[1]} ${a[3]} ${a[4]}" ${file(a[2])} 2>&1`;
    case 'punch':
      return `xfs_io -c "fpunch ${a[1]} ${a[2]}" ${file(a[0])}`;
    case 'truncate':
      return `xfs_io -c "truncate ${a[1]}" ${file(a[0])}`;
    case 'shutdown':
      return 'xfs_io -x -c "shutdown" "$MNT"   # no -f: the log is not flushed';
    case 'remount':
      return 'umount "$MNT" && mount "$LOOP" "$MNT"';
    default:
      throw new Error(`no xfs_io translation for helper line '${line}'`);
  }
}

export function writeScript(input: ScriptInput): string {
  const mkfs = input.fs === 'xfs' ? 'mkfs.xfs -q -f -m reflink=1 "$LOOP"' : 'mkfs.btrfs -q -f "$LOOP"';
  const out: string[] = [
    '#!/bin/sh',
    `# ${input.title}`,
    `# Reproduces a difference between pagecheck's model and the running kernel on ${input.fs}.`,
    '# Needs root, a loop device, xfs_io (xfsprogs) and filefrag (e2fsprogs). Makes and removes its own filesystem.',
    `# The difference: ${input.mismatch}`,
    'set -e',
    'W=$(mktemp -d)',
    'MNT="$W/mnt"; D="$MNT/d"',
    'truncate -s 512M "$W/fs.img"',
    'LOOP=$(losetup -f --show "$W/fs.img")',
    'trap \'umount "$MNT" 2>/dev/null; losetup -d "$LOOP"; rm -rf "$W"\' EXIT INT TERM',
    mkfs,
    'mkdir -p "$MNT" && mount "$LOOP" "$MNT" && mkdir "$D"',
    '# Each 4 KiB block of a file: its bytes, one value when the block is uniform.',
    `blocks() { for o in $(seq $2 ${BLOCK} $(($2 + $3 - 1))); do printf 'f%s block %s: ' $1 $((o / ${BLOCK})); od -An -v -tu1 -j $o -N ${BLOCK} "$D/f$1" | tr -s ' ' '\\n' | sed '/^$/d' | sort -un | tr '\\n' ' '; echo; done; }`,
    `for f in $(seq 0 ${input.files - 1}); do xfs_io -f -c "truncate ${input.bytes}" -c fsync "$D/f$f"; done`,
    'xfs_io -r -c fsync "$D"',
  ];
  input.steps.forEach((step, i) => {
    out.push(`echo '# step ${i + 1}: ${step.label.replace(/'/g, '')}'`);
    if (step.note) out.push(`#   kernel: ${step.note}`);
    for (const line of step.lines) out.push(xfsIo(line));
  });
  out.push(
    // filefrag, not xfs_io's fiemap: xfs_io asks FIEMAP_FLAG_SYNC, which writes the file back first and so changes what it shows.
    'echo "# what a user sees now (FIEMAP through filefrag, without FIEMAP_FLAG_SYNC):"',
    `for f in $(seq 0 ${input.files - 1}); do echo "f$f: $(stat -c %s "$D/f$f") bytes"; s=$(stat -c %s "$D/f$f"); [ "$s" -gt 0 ] && blocks $f 0 $s; filefrag -v -b${BLOCK} "$D/f$f" | sed -n '/^ *[0-9]*:/p'; done`,
    `# the model expected: ${input.expected}`,
    `# pagecheck saw:      ${input.got}`,
  );
  return out.join('\n') + '\n';
}
