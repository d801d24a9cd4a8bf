/** Pieces of views and transitions that every design computes the same way. */
import type { Draft } from 'immer';
import { NULL, type World } from './state.js';

export function ptesOf(s: World): { f: number; i: number; pfn: number; writable: boolean }[] {
  const out: { f: number; i: number; pfn: number; writable: boolean }[] = [];
  for (let f = 0; f < s.pte.length; f++) {
    for (let i = 0; i < s.pte[f].length; i++) if (s.pte[f][i] !== NULL) out.push({ f, i, pfn: s.pte[f][i], writable: s.ptew[f][i] });
  }
  return out;
}

/** The pins, each with whether its DMA may write the page (FOLL_WRITE) and whether it is FOLL_LONGTERM. */
export function pinsOf(s: World): { f: number; i: number; pfn: number; write: boolean; longterm: boolean }[] {
  const out: { f: number; i: number; pfn: number; write: boolean; longterm: boolean }[] = [];
  for (let f = 0; f < s.pin.length; f++) {
    for (let i = 0; i < s.pin[f].length; i++) {
      if (s.pin[f][i] !== NULL) out.push({ f, i, pfn: s.pin[f][i], write: s.pinro?.[f][i] !== true, longterm: s.pinlong?.[f][i] === true });
    }
  }
  return out;
}

/** Block reference counts against the extent references (and any further holders the design names). */
export function blockCounts(s: World, extra?: (b: number) => number): { what: string; stored: number; refs: number; free: boolean; leakable: boolean }[] {
  const refs = new Array<number>(s.ref.length).fill(0);
  for (const row of s.ext) for (const b of row) if (b >= 0) refs[b]++;
  return s.ref.map((stored, b) => ({ what: `block ${b}`, stored, refs: refs[b] + (extra ? extra(b) : 0), free: stored === 0, leakable: true }));
}

/**
 * Whom a memory failure on pfn concerns: the (file, offset) places whose
 * entry names it (`at(f, i)`, as offset f * B + i), the processes with a
 * pte to it (`due`), and the files of both (`related`, sorted).
 */
export function memfailReach(s: World, pfn: number, files: number, B: number, at: (f: number, i: number) => number): { owners: number[]; due: number[]; related: number[] } {
  const owners: number[] = [];
  const related = new Set<number>();
  for (let f = 0; f < files; f++) {
    for (let i = 0; i < B; i++) {
      if (at(f, i) === pfn) {
        owners.push(f * B + i);
        related.add(f);
      }
    }
  }
  const due = mappers(s, pfn);
  for (const f of due) related.add(f);
  return { owners, due, related: [...related].sort() };
}

/**
 * A pin_user_pages pin of the page under pte (f, i): the pin holds a page
 * reference (a ZONE_DEVICE page too: GUP's get_page is what
 * dax_layout_busy_page sees). `ro`: no FOLL_WRITE; `longterm`: FOLL_LONGTERM.
 */
export function pinPte(d: Draft<World>, f: number, i: number, how: { ro?: boolean; longterm?: boolean } = {}): void {
  d.pin[f][i] = d.pte[f][i];
  d.frame[d.pin[f][i]].count += 1;
  if (how.ro) d.pinro![f][i] = true;
  if (how.longterm) d.pinlong![f][i] = true;
}

/** Drops the pin at (f, i) through `put`, which releases the page reference (and frees the page where that was the last). */
export function unpinAt<W extends World>(d: Draft<W>, f: number, i: number, put: Put<W> = dropRef): void {
  const pfn = d.pin[f][i];
  if (pfn === NULL) return;
  d.pin[f][i] = NULL;
  if (d.pinro) d.pinro[f][i] = false;
  if (d.pinlong) d.pinlong[f][i] = false;
  put(d, pfn);
}

/**
 * Releases one page reference (put_page, unpin_user_page). A design whose
 * pages are freed at the last reference (page cache) passes its own; a DAX
 * frame is the pmem block and lives as long as the block does, so this
 * default only lowers the count.
 */
export type Put<W extends World = World> = (d: Draft<W>, pfn: number) => void;
export function dropRef<W extends World>(d: Draft<W>, pfn: number): void {
  (d as Draft<World>).frame[pfn].count -= 1;
}

/** Processes with a pte to pfn. */
export function mappers(s: World, pfn: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < s.pte.length; f++) if (s.pte[f].includes(pfn)) out.push(f);
  return out;
}

/**
 * Zaps pte (f, i). `ref`: the pte holds a page reference, which goes with
 * it (v6.15's fs/dax.c, and the page cache); before "fs/dax: properly
 * refcount fs dax pages" a DAX pte held none (insert_pfn, pte_devmap).
 */
export function zapPte(d: Draft<World>, f: number, i: number, ref = true): void {
  const pfn = d.pte[f][i];
  if (pfn === NULL) return;
  if (ref) d.frame[pfn].count -= 1;
  d.pte[f][i] = NULL;
  d.ptew[f][i] = false;
}

export function installPte(d: Draft<World>, f: number, i: number, pfn: number, writable: boolean, ref = true): void {
  if (d.pte[f][i] !== pfn) {
    zapPte(d, f, i, ref);
    if (ref) d.frame[pfn].count += 1;
    d.pte[f][i] = pfn;
    owedSignal(d, f, i, pfn);
  }
  d.ptew[f][i] = writable;
}

/**
 * A pte to the failing pfn installed while the failure is handled makes its
 * process one the handler must signal, unless the handler has already
 * visited that offset: mf_dax_kill_procs judges each (mapping, index) when it
 * locks it, and a pte installed after that is a later fault, covered by
 * badblocks or by the machine check on consumption (memfail-reach's reading).
 */
function owedSignal(d: Draft<World>, f: number, i: number, pfn: number): void {
  const mf = d.mf;
  if (!mf || mf.done || mf.pfn !== pfn || mf.due.includes(f)) return;
  if (mf.visited?.includes(f * d.pte[f].length + i)) return;
  mf.due.push(f);
  mf.due.sort();
}

/** The pfn changed identity (freed, poisoned, given to another owner) under a fault that holds it. */
export function disturb(d: Draft<World>, pfn: number): void {
  if (d.fault && d.fault.pfn === pfn) d.fault.stale = true;
}

/** Ghost contents after each operation, as a correct filesystem would show them. */
export const ghost = {
  write(d: Draft<World>, f: number, i: number, v: number): void {
    d.ghost[f][i] = v;
  },
  reflink(d: Draft<World>, s: number, t: number): void {
    for (let i = 0; i < d.ghost[s].length; i++) d.ghost[t][i] = d.ghost[s][i];
  },
  reflinkRange(d: Draft<World>, s: number, si: number, t: number, ti: number): void {
    d.ghost[t][ti] = d.ghost[s][si];
  },
  punch(d: Draft<World>, f: number, i: number): void {
    d.ghost[f][i] = 0;
  },
};

/**
 * Opens the record of a memory failure on pfn, reported by a load of process
 * `by` (NULL: by a scrub), before the handler's first step.
 */
export function openMemFail(
  d: Draft<World>,
  at: { pfn: number; by: number; early: boolean; shared: boolean },
  reach: { owners: number[]; due: number[]; related: number[] },
  walk: number[],
  agf = false,
): void {
  // Written out, not spread: the spreads took a tenth of fsdax-1to1's search.
  // The keys keep the order the spreads gave them (traces print it).
  const { pfn, by, early, shared } = at;
  const { due, related, owners } = reach;
  d.mf = agf
    ? { pfn, by, early, shared, due, related, owners, walk, agf, killed: [], told: [], busy: false, done: false }
    : { pfn, by, early, shared, due, related, owners, walk, killed: [], told: [], busy: false, done: false };
}

/**
 * memory_failure on a page-cache page that is already poisoned (only a load
 * reports it again: `mce`): TestSetPageHWPoison finds the flag, and with
 * MF_ACTION_REQUIRED kill_accessing_process walks `current`'s page tables for
 * the pfn and signals it where it maps it (BUS_MCEERR_AR); the result is
 * -EHWPOISON, so kill_me_maybe returns. Nothing is unmapped, nobody else is
 * collected whatever the kill policy, the filesystem is not told again: the
 * record owes a signal to the loader alone (`due` empty, `by` judged).
 * Not for DAX: memory_failure hands a ZONE_DEVICE pfn to
 * memory_failure_dev_pagemap before TestSetPageHWPoison, so there a repeated
 * failure runs the holder's handling again (model/world/memfail.ts).
 */
export function alreadyPoisoned<W extends World>(d: Draft<W>, at: { pfn: number; by: number; early: boolean; shared: boolean }, related: number[]): void {
  openMemFail(d, at, { owners: [], due: [], related }, []);
  if (at.by !== NULL && (d as Draft<World>).pte[at.by].includes(at.pfn)) kill(d, [at.by]);
  (d as Draft<World>).mf!.done = true;
}

/** Adds the processes related to the failure now (owners and mappers change between steps). */
export function relate(d: Draft<World>, related: readonly number[]): void {
  const mf = d.mf!;
  for (const f of related) if (!mf.related.includes(f)) mf.related.push(f);
  mf.related.sort();
}

/**
 * The end of the handling. A machine check returns to the load that consumed
 * the poison unless the handler signalled its process or failed
 * (kill_me_maybe: memory_failure() == 0 -> return; -EHWPOISON -> return, the
 * handler has signalled `current` itself; another error -> kill_me_now,
 * force_sig(SIGBUS): a signal, as kill() below).
 */
export function closeMemFail<W extends World>(d: Draft<W>, failed: boolean): void {
  const mf = d.mf!;
  if (failed && mf.by !== NULL) kill(d, [mf.by]);
  mf.walk = [];
  mf.done = true;
}

/** A finished failure's record is judged in the state its last step made, and goes at the next step. */
export function settle(d: Draft<World>): void {
  d.event = '';
  if (d.deduped !== undefined) d.deduped = NULL;
  if (d.mf && d.mf.done) d.mf = null;
}

/**
 * Signals every process in `procs` with SIGBUS (kill_procs -> kill_proc:
 * force_sig_mceerr(BUS_MCEERR_AR) to `current`, send_sig_mceerr(BUS_MCEERR_AO)
 * to the others; kill_me_now: force_sig(SIGBUS)). A signal, nothing more:
 * what the handler unmaps it unmaps itself (try_to_unmap on a page-cache
 * page, unmap_and_kill -> unmap_mapping_range on DAX), and the process's
 * other ptes and its pins stay. It may catch SIGBUS and go on (what an
 * MCE-aware program does); if it does not, it dies when a thread returns to
 * user mode (get_signal -> do_coredump -> do_group_exit) and its ptes go at
 * exit_mmap, after the last thread has left the kernel: a fault of its in
 * flight completes or backs out first, and its folio reference keeps its
 * page allocated meanwhile. That teardown is not a step of its own: it is a
 * sequence of the `unmap` and `unpin` steps every state already offers, so
 * no history is lost by leaving it out, and none is invented by doing it at
 * once (which freed a page under a fault in flight: the review of
 * counterexamples/fragment-owner/bugs/fragment-put-per-block.entry-lock).
 */
export function kill<W extends World>(d: Draft<W>, procs: readonly number[]): void {
  const mf = (d as Draft<World>).mf!;
  for (const f of procs) if (!mf.killed.includes(f)) mf.killed.push(f);
  mf.killed.sort();
}

export function tell(d: Draft<World>, f: number, i: number, B: number): void {
  const o = f * B + i;
  if (!d.mf!.told.includes(o)) {
    d.mf!.told.push(o);
    d.mf!.told.sort();
  }
}

/** A fault or a memory failure in flight, in words; with nothing enabled, that is a deadlock. */
export function inFlight(s: World): string | undefined {
  if (s.fault) return `a fault through (file ${s.fault.f}, index ${s.fault.i}) is in flight`;
  if (s.mf && !s.mf.done) return `the memory failure on pfn ${s.mf.pfn} is being handled`;
  if (s.dedupe) return `a dedupe of (file ${s.dedupe.s}, index ${s.dedupe.si}) onto (file ${s.dedupe.d}, index ${s.dedupe.di}) holds both files' locks`;
  return undefined;
}
