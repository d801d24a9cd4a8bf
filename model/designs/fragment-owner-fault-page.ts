/**
 * What waits for fragment-owner's in-flight fault: the actions that would
 * take the page it holds locked out of a cache, or free it. The design and
 * its choices are in fragment-owner.ts.
 */
import type { Draft } from 'immer';
import type { Config, Design } from '../design.js';
import type { WorldAction } from '../world/actions.js';
import { HOLE, NULL } from '../world/state.js';
import type { View } from '../world/view.js';
import { fragsOf, type State } from './fragment-owner-view.js';
import { clone } from '../../engine/clone.js';

export type Act = Exclude<WorldAction, { kind: 'truncate' | 'memfail-next' }>;
/**
 * The kinds whose step may take a page out of a cache or free it while a
 * fault holds it: punch (truncate_inode_pages_range), a write's CoW or a
 * reflink over the destination (the fragment's last count: "all its pages
 * can be freed"), an unpin (put_page of an orphan).
 */
const REMOVING = new Set<Act['kind']>(['punch', 'write', 'reflink', 'reflink-range', 'dedupe', 'unpin']);

/**
 * Whether a can touch page p at all, so that only those actions are tried
 * on a copy: a file's own page leaves only through that file's punch, CoW
 * or reflink (or, as a reflink's source, moves to a fragment); a fragment's
 * pages only when a file that references the fragment drops a reference; a
 * page out of every cache only at its last put (unpin).
 */
function mayRemove(s: State, a: Act, p: number): boolean {
  const fr = s.frame[p],
    F = s.ext.length;
  const touches = (f: number): boolean => (fr.mapping >= F ? fragsOf(s, f).includes(fr.mapping - F) : fr.mapping === f);
  // A punch or CoW at (f, i) drops f's reference on a fragment only if the block there is the fragment's.
  const touchesAt = (f: number, i: number): boolean => (fr.mapping >= F ? s.ext[f][i] !== HOLE && s.fragOf[s.ext[f][i]] === fr.mapping - F : fr.mapping === f && fr.index === i);
  switch (a.kind) {
    case 'unpin':
      return s.pin[a.f][a.i] === p;
    case 'punch':
    case 'write':
      return fr.mapping !== NULL && touchesAt(a.f, a.i);
    case 'reflink':
    case 'reflink-range':
    case 'dedupe':
      return fr.mapping !== NULL && (touches(a.d) || touches(a.s));
    default:
      return false;
  }
}

/**
 * Whether action a would take the page the in-flight fault holds out of its
 * cache, or free it. Removing a page from a page cache needs its lock
 * (filemap_remove_folio: BUG_ON(!folio_test_locked(folio))), so truncation
 * sleeps in folio_lock (truncate_inode_pages_range's second pass) until the
 * fault unlocks after finish_fault, and the fault's reference (not in the
 * model's count) keeps the page allocated whatever else is put: such an
 * action waits for finish-fault. Decided by taking the step on a copy, so
 * that every path to page_cache_delete (a file's own page, a fragment's
 * pages at its last count) is covered by the transitions themselves.
 */
export function removesFaultPage(s: State, a: Act, cfg: Config, next: Design<State, Act, View>['next']): boolean {
  if (s.fault === null || !REMOVING.has(a.kind) || !mayRemove(s, a, s.fault.pfn)) return false;
  const handler = next[a.kind] as (a: Act, s: State, cfg: Config) => (d: Draft<State>) => void;
  const t = clone(s);
  handler(a, s, cfg)(t as Draft<State>);
  const before = s.frame[s.fault.pfn],
    after = t.frame[s.fault.pfn];
  return after.free || after.mapping !== before.mapping;
}
