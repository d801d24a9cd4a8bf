// engine/coverage.ts on its own: counts, first depths, merging and the report.
import { describe, expect, it } from 'vitest';
import { Coverage } from '../../engine/coverage.js';

describe('Coverage', () => {
  it('counts each kind and keeps the depth it first fired at', () => {
    const c = new Coverage();
    c.fired('write', 3);
    c.fired('write', 1);
    c.fired('punch', 2, 5);
    expect(c.get('write')).toEqual({ count: 2, firstDepth: 3 });
    expect(c.get('punch')).toEqual({ count: 5, firstDepth: 2 });
    expect(c.get('reflink')).toBeUndefined();
  });

  it('merges another coverage: counts add up, the shallower first depth wins, and the other is not changed', () => {
    const a = new Coverage();
    a.fired('write', 4, 2);
    const b = new Coverage();
    b.fired('write', 2, 3);
    b.fired('punch', 6);
    a.merge(b);
    expect(a.get('write')).toEqual({ count: 5, firstDepth: 2 });
    expect(a.get('punch')).toEqual({ count: 1, firstDepth: 6 });
    expect(b.get('write')).toEqual({ count: 3, firstDepth: 2 });
    a.fired('punch', 1);
    expect(b.get('punch')).toEqual({ count: 1, firstDepth: 6 });
    const c = new Coverage();
    c.fired('write', 9);
    a.merge(c);
    expect(a.get('write')).toEqual({ count: 6, firstDepth: 2 });
  });

  it('reports every kind asked for in that order, those that never fired as 0 and null, then any others', () => {
    const c = new Coverage();
    c.fired('punch', 2);
    c.fired('other', 1);
    const r = c.report(['write', 'punch']);
    expect(Object.keys(r)).toEqual(['write', 'punch', 'other']);
    expect(r).toEqual({ write: { count: 0, firstDepth: null }, punch: { count: 1, firstDepth: 2 }, other: { count: 1, firstDepth: 1 } });
    expect(new Coverage().report([])).toEqual({});
  });
});
