// Hand-built netfs states for the property tests (properties/netfs.ts): two
// folios of two bytes unless a test says otherwise.
import { geometry, initialWorld, type Folio, type NetfsState, type Region, type RegionState, type RegionType, type Writer } from '../../model/netfs/world.js';

const left = { writes: 0, barriers: 0, remote: 0, disconnects: 0, crashes: 0 };

export function world(over: Partial<NetfsState> = {}, params: Record<string, number> = { P: 2, B: 2 }): NetfsState {
  return { ...initialWorld(geometry(params), left), ...over };
}
export const folio = (data = [0, 0], o: Partial<Folio> = {}): Folio => ({ data, uptodate: true, dirty: false, writeback: false, pin: 0, ...o });
export const region = (start: number, end: number, state: RegionState, type: RegionType = 'ordinary', o: Partial<Region> = {}): Region => ({
  start,
  end,
  state,
  type,
  group: 1,
  kinds: [type],
  box: [start, end],
  writer: 0,
  toServer: true,
  toCache: false,
  payload: [],
  queued: false,
  ...o,
});
export const writer = (start: number, end: number, value: number, o: Partial<Writer> = {}): Writer => ({
  kind: 'buffered',
  start,
  end,
  value,
  phase: 'active',
  copied: start,
  group: 1,
  conc: [],
  ...o,
});
export const check = (p: { check: (s: NetfsState, v: undefined) => string | undefined }, s: NetfsState) => p.check(s, undefined);
