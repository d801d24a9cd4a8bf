// properties/sharing.ts on views built by hand: for each property, a view
// where it holds and, for each of its clauses, one where that clause alone
// is broken, with the message that names the culprit.
import { describe, expect, it } from 'vitest';
import { SHARING_PROPERTIES, sharingGoals, sharingProperties } from '../../properties/sharing.js';
import { NULL, type Frame, type MemFail } from '../../model/world/state.js';
import type { View } from '../../model/world/view.js';
import type { Config } from '../../model/design.js';

const frame = (f: Partial<Frame> = {}): Frame => ({ mapping: NULL, index: 0, share: 0, count: 0, data: 0, block: -1, owners: [], cow: false, poison: false, free: false, ...f });

/** Two files of two blocks, each block in a frame of its own, owned 1:1: every property holds. */
function view(over: Partial<View> = {}): View {
  const frames = over.frames ?? [
    frame({ mapping: 0, index: 0, data: 1 }),
    frame({ mapping: 0, index: 1, data: 2 }),
    frame({ mapping: 1, index: 0, data: 3 }),
    frame({ mapping: 1, index: 1, data: 4 }),
  ];
  return {
    F: 2,
    B: 2,
    ghost: [
      [1, 2],
      [3, 4],
    ],
    read: [
      [1, 2],
      [3, 4],
    ],
    resolve: [
      [0, 1],
      [2, 3],
    ],
    data: (pfn) => frames[pfn].data,
    shared: () => false,
    frames,
    ptes: [],
    pins: [],
    entries: [
      { m: 0, i: 0, pfn: 0, form: 'owned' },
      { m: 0, i: 1, pfn: 1, form: 'owned' },
      { m: 1, i: 0, pfn: 2, form: 'owned' },
      { m: 1, i: 1, pfn: 3, form: 'owned' },
    ],
    counted: [],
    refersTo: [],
    fault: null,
    mf: null,
    event: '',
    ...over,
  };
}
const check = (id: keyof typeof SHARING_PROPERTIES, v: View) => SHARING_PROPERTIES[id].check(v);
const mf = (m: Partial<MemFail> = {}): MemFail => ({ pfn: 1, by: NULL, early: false, shared: true, due: [], related: [], owners: [], walk: [], killed: [], told: [], busy: false, done: false, ...m });

describe('single-ownership', () => {
  it('holds for entries owned 1:1', () => expect(check('single-ownership', view())).toBeUndefined());

  it('an owned entry whose frame points back elsewhere, by mapping or by index', () => {
    const frames = view().frames.map((f, p) => (p === 3 ? frame({ ...f, mapping: 0 }) : f));
    expect(check('single-ownership', view({ frames }))).toBe('entry (mapping 1, index 1) -> pfn 3, but pfn 3 points back to (mapping 0, index 1)');
    const moved = view().frames.map((f, p) => (p === 3 ? frame({ ...f, index: 0 }) : f));
    expect(check('single-ownership', view({ frames: moved }))).toBe('entry (mapping 1, index 1) -> pfn 3, but pfn 3 points back to (mapping 1, index 0)');
  });

  // pfn 0 shared by (0, 0) and (1, 0) with share 2; pfn 1 shared by (0, 1) alone; a PFN entry (mapping 2) for pfn 0.
  const sharedFrames = (share0: number, mapping0 = NULL) => [frame({ mapping: mapping0, share: share0 }), frame({ share: 1 })];
  const sharedEntries: View['entries'] = [
    { m: 0, i: 0, pfn: 0, form: 'shared' },
    { m: 1, i: 0, pfn: 0, form: 'shared' },
    { m: 0, i: 1, pfn: 1, form: 'shared' },
    { m: 2, i: 0, pfn: 0, form: 'via', owner: { mapping: NULL, index: 0 } },
  ];

  it('shared entries: mapping NULL and share counting the shared entries of the pfn, and nothing else', () => {
    expect(check('single-ownership', view({ frames: sharedFrames(2), entries: sharedEntries }))).toBeUndefined();
    expect(check('single-ownership', view({ frames: sharedFrames(3), entries: sharedEntries }))).toBe('pfn 0 has share 3 but 2 entries use it');
    expect(check('single-ownership', view({ frames: sharedFrames(2, 1), entries: sharedEntries }))).toBe('entry (mapping 0, index 0) -> pfn 0 is a shared entry, but pfn 0 has mapping 1, not NULL');
  });

  it('a PFN entry or shadow for a frame that points back to another owner than it names', () => {
    const frames = [frame({ mapping: 1, index: 1 })];
    const via = (mapping: number, index: number): View['entries'] => [{ m: 0, i: 0, pfn: 0, form: 'via', owner: { mapping, index } }];
    expect(check('single-ownership', view({ frames, entries: via(1, 1) }))).toBeUndefined();
    expect(check('single-ownership', view({ frames, entries: via(0, 1) }))).toBe('entry (mapping 0, index 0) -> pfn 0 stands for (mapping 0, index 1), but pfn 0 points back to (mapping 1, index 1)');
    expect(check('single-ownership', view({ frames, entries: via(1, 0) }))).toBe('entry (mapping 0, index 0) -> pfn 0 stands for (mapping 1, index 0), but pfn 0 points back to (mapping 1, index 1)');
  });

  it('an owner list names exactly the entries that use the page (owner (m, i) encoded m*B + i)', () => {
    const listed: View['entries'] = [
      { m: 1, i: 0, pfn: 0, form: 'listed' },
      { m: 0, i: 1, pfn: 0, form: 'listed' },
    ];
    expect(check('single-ownership', view({ frames: [frame({ owners: [1, 2] })], entries: listed }))).toBeUndefined();
    expect(check('single-ownership', view({ frames: [frame({ owners: [1] })], entries: listed }))).toBe("entry (mapping 1, index 0) -> pfn 0, but pfn 0's owner list does not name it");
    expect(check('single-ownership', view({ frames: [frame({ owners: [1, 2, 3] })], entries: listed }))).toBe("pfn 0's owner list names (mapping 1, index 1), which does not use it");
    // An owner that is an entry of another pfn does not use this one.
    expect(check('single-ownership', view({ frames: [frame({ owners: [1, 2] }), frame({ owners: [2] })], entries: listed }))).toBe(
      "pfn 1's owner list names (mapping 1, index 0), which does not use it",
    );
  });

  it('share set on a frame that has a mapping, even with no entry', () => {
    expect(check('single-ownership', view({ frames: [frame(), frame({ mapping: 2, share: 1 })], entries: [] }))).toBe('pfn 1 has share 1 with mapping 2 (share is only set with mapping NULL)');
    expect(check('single-ownership', view({ frames: [frame({ share: 1 }), frame({ mapping: 2 })], entries: [] }))).toBeUndefined();
  });
});

describe('refcount', () => {
  const counted = (stored: number, refs: number, free = false, leakable = true) => ({ what: 'block 1', stored, refs, free, leakable });

  it('holds when counts equal their references; an unreferenced object is freed, or not leakable', () => {
    expect(check('refcount', view({ counted: [counted(2, 2), counted(0, 0, true), counted(0, 0, false, false)] }))).toBeUndefined();
  });

  it('a negative count, a count that is not its references, a leak', () => {
    expect(check('refcount', view({ counted: [counted(-1, -1)] }))).toBe('block 1 has a negative count -1');
    expect(check('refcount', view({ counted: [counted(2, 2), counted(1, 2)] }))).toBe('block 1 has count 1 but 2 reference(s)');
    expect(check('refcount', view({ counted: [counted(0, 0)] }))).toBe('block 1 is unreferenced but not freed (leak)');
  });

  it('a reference, a pte or a pin to a free frame', () => {
    const frames = [frame({ mapping: 0 }), frame({ free: true })];
    expect(check('refcount', view({ frames, refersTo: [{ what: 'entry (0, 0)', pfn: 0 }] }))).toBeUndefined();
    expect(
      check(
        'refcount',
        view({
          frames,
          refersTo: [
            { what: 'entry (0, 0)', pfn: 0 },
            { what: 'entry (0, 1)', pfn: 1 },
          ],
        }),
      ),
    ).toBe('entry (0, 1) refers to pfn 1, which is free');
    expect(
      check(
        'refcount',
        view({
          frames,
          ptes: [
            { f: 0, i: 0, pfn: 0, writable: true },
            { f: 1, i: 0, pfn: 1, writable: false },
          ],
        }),
      ),
    ).toBe('process 1 has a pte (index 0) to free pfn 1');
    expect(
      check(
        'refcount',
        view({
          frames,
          pins: [
            { f: 0, i: 0, pfn: 0 },
            { f: 1, i: 1, pfn: 1 },
          ],
        }),
      ),
    ).toBe('a pin through (file 1, index 1) holds free pfn 1');
  });
});

describe('cow-isolation', () => {
  it('holds when reads and loads see the ghost contents and writable ptes map unshared pfns', () => {
    const ptes = [
      { f: 0, i: 1, pfn: 1, writable: true },
      { f: 1, i: 0, pfn: 2, writable: false },
    ];
    expect(check('cow-isolation', view({ ptes, shared: (pfn) => pfn === 2 }))).toBeUndefined();
  });

  it('a read that differs from the file, at the last file and index too', () => {
    expect(
      check(
        'cow-isolation',
        view({
          read: [
            [1, 2],
            [3, 9],
          ],
        }),
      ),
    ).toBe('read(file 1, index 1) returns 9, but the file holds 4');
    expect(
      check(
        'cow-isolation',
        view({
          read: [
            [1, 9],
            [3, 4],
          ],
        }),
      ),
    ).toBe('read(file 0, index 1) returns 9, but the file holds 2');
  });

  it('a load through a pte that differs from the file, and a writable pte to a shared pfn', () => {
    expect(
      check(
        'cow-isolation',
        view({
          ptes: [
            { f: 0, i: 0, pfn: 0, writable: false },
            { f: 1, i: 1, pfn: 2, writable: false },
          ],
        }),
      ),
    ).toBe('process 1 loads 3 through its pte at index 1 (pfn 2), but the file holds 4');
    expect(check('cow-isolation', view({ ptes: [{ f: 1, i: 0, pfn: 2, writable: true }], shared: (pfn) => pfn === 2 }))).toBe('process 1 has a writable pte at index 0 to shared pfn 2');
  });
});

describe('memfail-reach', () => {
  it('holds with no failure, or before the handler is done whoever is left to signal', () => {
    expect(check('memfail-reach', view())).toBeUndefined();
    expect(check('memfail-reach', view({ mf: mf({ by: 0, early: true, due: [1], related: [0, 1] }), ptes: [{ f: 1, i: 0, pfn: 1, writable: false }] }))).toBeUndefined();
  });

  it('a signal to a process that is not related to the pfn, at any step', () => {
    expect(check('memfail-reach', view({ mf: mf({ related: [0], killed: [0, 1] }) }))).toBe('memory failure on pfn 1: process 1 was killed but neither mapped it nor maps a file that owns it');
  });

  it('the process whose load consumed the poison, unsignalled when the handler is done while it still maps the pfn', () => {
    const ptes = [{ f: 1, i: 1, pfn: 1, writable: false }];
    expect(check('memfail-reach', view({ ptes, mf: mf({ by: 1, related: [1], done: true }) }))).toBe(
      "memory failure on pfn 1: process 1's load consumed the poison and it was not signalled (the machine check returns to the same load)",
    );
    expect(check('memfail-reach', view({ ptes, mf: mf({ by: 1, related: [1], killed: [1], done: true }) }))).toBeUndefined();
  });

  it('a loader whose pte to the pfn went during the walk is owed nothing (its retried load faults afresh)', () => {
    const elsewhere = [
      { f: 1, i: 1, pfn: 0, writable: false },
      { f: 0, i: 1, pfn: 1, writable: false },
    ];
    expect(check('memfail-reach', view({ mf: mf({ by: 1, related: [1], done: true }) }))).toBeUndefined();
    expect(check('memfail-reach', view({ ptes: elsewhere, mf: mf({ by: 1, related: [0, 1], done: true }) }))).toBeUndefined();
  });

  it('early kill: a process due a signal that maps the pfn and was not signalled; late kill owes it nothing', () => {
    const ptes = [
      { f: 0, i: 0, pfn: 0, writable: false },
      { f: 1, i: 0, pfn: 1, writable: false },
    ];
    const early = mf({ early: true, due: [0, 1], related: [0, 1], killed: [0], done: true });
    expect(check('memfail-reach', view({ ptes, mf: early }))).toBe('memory failure on pfn 1: process 1 maps it (index 0) but was not signalled');
    expect(check('memfail-reach', view({ ptes, mf: { ...early, killed: [1] } }))).toBeUndefined();
    expect(check('memfail-reach', view({ ptes, mf: { ...early, due: [0] } }))).toBeUndefined();
    expect(check('memfail-reach', view({ ptes, mf: { ...early, early: false } }))).toBeUndefined();
  });
});

describe('memfail-notify', () => {
  it('holds until the handler is done, and when the filesystem learnt every owner', () => {
    expect(check('memfail-notify', view())).toBeUndefined();
    expect(check('memfail-notify', view({ mf: mf({ owners: [3] }) }))).toBeUndefined();
    expect(check('memfail-notify', view({ mf: mf({ owners: [3, 0], told: [0, 3], done: true }) }))).toBeUndefined();
  });

  it('an owner (f*B + i) the filesystem never learns of', () => {
    expect(check('memfail-notify', view({ mf: mf({ owners: [0, 3], told: [0], done: true }) }))).toBe('memory failure on pfn 1: the filesystem never learns that (file 1, index 1) owns it');
  });
});

describe('entry-lock', () => {
  it('holds with no fault or a fault whose pfn kept its identity; a stale one is a violation', () => {
    const fault = { f: 1, i: 0, write: true, pfn: 2, stale: false };
    expect(check('entry-lock', view())).toBeUndefined();
    expect(check('entry-lock', view({ fault }))).toBeUndefined();
    expect(check('entry-lock', view({ fault: { ...fault, stale: true } }))).toBe(
      'a fault through (file 1, index 0) looked up pfn 2, which was freed, poisoned or reassigned before the fault installed its pte',
    );
  });
});

describe('layout-pin', () => {
  const pin = (p: Partial<View['pins'][number]> = {}) => ({ f: 1, i: 1, pfn: 3, ...p });

  it('holds for pins and ptes on the pfns their files resolve to, unshared', () => {
    expect(check('layout-pin', view({ pins: [pin({ f: 0, i: 0, pfn: 0 }), pin()], ptes: [{ f: 0, i: 1, pfn: 1, writable: true }] }))).toBeUndefined();
  });

  it('a pin on a freed pfn, read-only or not', () => {
    const frames = view().frames.map((f, p) => (p === 3 ? frame({ ...f, free: true }) : f));
    expect(check('layout-pin', view({ frames, pins: [pin({ write: false })] }))).toBe('pfn 3 was freed while pinned through (file 1, index 1)');
  });

  it('a writable pin remapped away or shared; a read-only pin is held to neither', () => {
    const remapped = {
      resolve: [
        [0, 1],
        [2, 0],
      ],
    };
    expect(check('layout-pin', view({ ...remapped, pins: [pin()] }))).toBe('(file 1, index 1) was remapped to pfn 0 while pfn 3 is pinned through it');
    expect(check('layout-pin', view({ ...remapped, pins: [pin({ write: true })] }))).toBe('(file 1, index 1) was remapped to pfn 0 while pfn 3 is pinned through it');
    expect(check('layout-pin', view({ ...remapped, pins: [pin({ write: false })] }))).toBeUndefined();
    expect(check('layout-pin', view({ shared: (p) => p === 3, pins: [pin()] }))).toBe('pinned pfn 3 became shared while DMA may write it');
    expect(check('layout-pin', view({ shared: (p) => p === 3, pins: [pin({ write: false })] }))).toBeUndefined();
  });

  it('a pte on a freed pfn, or on a pfn its file no longer resolves to', () => {
    const frames = view().frames.map((f, p) => (p === 2 ? frame({ ...f, free: true }) : f));
    const ptes = [
      { f: 0, i: 0, pfn: 0, writable: false },
      { f: 1, i: 0, pfn: 2, writable: false },
    ];
    expect(check('layout-pin', view({ frames, ptes }))).toBe('pfn 2 was freed while process 1 maps it');
    expect(
      check(
        'layout-pin',
        view({
          resolve: [
            [0, 1],
            [3, 3],
          ],
          ptes,
        }),
      ),
    ).toBe('(file 1, index 0) was remapped to pfn 3 while process 1 still maps pfn 2');
  });
});

describe('content-by-own-writes and reflink-walks-no-pages', () => {
  it('a dedupe remap that leaves what the file wrote holds; one that does not is named', () => {
    expect(check('content-by-own-writes', view())).toBeUndefined();
    expect(check('content-by-own-writes', view({ deduped: { f: 1, i: 0 } }))).toBeUndefined();
    expect(
      check(
        'content-by-own-writes',
        view({
          deduped: { f: 1, i: 0 },
          read: [
            [1, 2],
            [7, 4],
          ],
        }),
      ),
    ).toBe("FIDEDUPERANGE remapped (file 1, index 0), which now reads 7, but the file's own writes left 3 there");
  });

  it('a reflink that changed a per-page count', () => {
    expect(check('reflink-walks-no-pages', view())).toBeUndefined();
    expect(check('reflink-walks-no-pages', view({ reflinkTouchedPages: false }))).toBeUndefined();
    expect(check('reflink-walks-no-pages', view({ reflinkTouchedPages: true }))).toBe('a reflink changed a per-page reference count');
  });
});

describe('sharingProperties and sharingGoals', () => {
  const cfg: Config = { params: {}, bugs: new Set() };

  it('gives the properties asked for, in order, each checking the view', () => {
    const props = sharingProperties<unknown>(['refcount', 'entry-lock']);
    expect(props.map((p) => [p.id, p.description])).toEqual([
      ['refcount', SHARING_PROPERTIES.refcount.description],
      ['entry-lock', SHARING_PROPERTIES['entry-lock'].description],
    ]);
    const stale = view({ fault: { f: 0, i: 0, write: false, pfn: 0, stale: true } });
    expect(props.map((p) => p.check(undefined, cfg, stale) !== undefined)).toEqual([false, true]);
  });

  it('the goals, what each guards, and the dedupe goal only for a design checking content-by-own-writes', () => {
    const guards = (gs: ReturnType<typeof sharingGoals>) => Object.fromEntries(gs.map((g) => [g.id, g.guards]));
    const base = {
      'pfn-mapped-by-two-files': ['single-ownership', 'refcount', 'memfail-reach', 'layout-pin'],
      'cow-break-of-mapped-shared': ['cow-isolation', 'entry-lock'],
      'memfail-on-shared': ['memfail-reach', 'memfail-notify'],
      'second-memfail': ['memfail-reach', 'memfail-notify'],
      'reflink-at-offset': ['single-ownership', 'cow-isolation'],
    };
    expect(guards(sharingGoals())).toEqual(base);
    expect(guards(sharingGoals(['refcount']))).toEqual(base);
    expect(guards(sharingGoals(['content-by-own-writes']))).toEqual({ ...base, 'dedupe-remapped': ['content-by-own-writes'] });
  });

  it('each goal is reached exactly in its situation', () => {
    const goals = Object.fromEntries(sharingGoals(['content-by-own-writes']).map((g) => [g.id, (v: View) => g.reached(undefined, cfg, v)]));
    const pte = (f: number, pfn: number) => ({ f, i: 0, pfn, writable: false });
    expect(goals['pfn-mapped-by-two-files'](view({ ptes: [pte(0, 1), pte(1, 2), pte(1, 1)] }))).toBe(true);
    expect(goals['pfn-mapped-by-two-files'](view({ ptes: [pte(0, 1), pte(1, 2), { ...pte(0, 1), i: 1 }] }))).toBe(false);
    for (const [id, event] of [
      ['cow-break-of-mapped-shared', 'cow-mapped'],
      ['reflink-at-offset', 'reflink-range'],
      ['dedupe-remapped', 'dedupe-remap'],
    ]) {
      expect(goals[id](view({ event })), id).toBe(true);
      expect(goals[id](view({ event: 'write' })), id).toBe(false);
    }
    expect(goals['memfail-on-shared'](view({ mf: mf({ shared: true }) }))).toBe(true);
    expect(goals['memfail-on-shared'](view({ mf: mf({ shared: false }) }))).toBe(false);
    expect(goals['memfail-on-shared'](view())).toBe(false);
    const poisoned = (pfns: number[]) => view().frames.map((f, p) => (pfns.includes(p) ? frame({ ...f, poison: true }) : f));
    expect(goals['second-memfail'](view({ mf: mf({ pfn: 1 }), frames: poisoned([1, 3]) }))).toBe(true);
    expect(goals['second-memfail'](view({ mf: mf({ pfn: 1 }), frames: poisoned([1]) }))).toBe(false);
    expect(goals['second-memfail'](view({ frames: poisoned([1, 3]) }))).toBe(false);
  });
});
