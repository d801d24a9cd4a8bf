/**
 * Learned layouts: the word layout of states whose shape varies (a fault
 * that is null or a record, lists that grow, strings and booleans), learned
 * from the states themselves as the search meets them, so that a design
 * declares nothing. engine/layout.ts keeps states of one fixed shape; this
 * keeps everything else that is plain data: records, arrays, int32s,
 * strings, booleans, null and undefined.
 *
 * The schema is one slot per place in the state. A slot records the kinds
 * of value seen there (absent, undefined, null, boolean, int, string, array,
 * record); an array slot its greatest length (its capacity) and one item
 * slot for all its items; a record slot its keys in the order first seen.
 * A slot's words: a tag (the kind) where more than one kind was seen; one
 * value word shared by boolean (0, 1), int and string (its interned
 * number); an array's length and `capacity` items; a record's fields. So:
 * null as a tag, strings and small enumerations interned to integers,
 * booleans as a word, bounded lists as a capacity and a length.
 *
 * When a state does not fit (a longer list, a new kind or key), the schema
 * widens to take it and is compiled again, as a new version; states already
 * in the frontier keep their version's words. The hash is therefore not of
 * the words but of the value, walked in the schema's order, which widening
 * never changes (keys and kinds are only added): ints as themselves, other
 * scalars as a tag (and a string's number), an array as a tag, its length
 * and its items, a record as a tag, its present fields (a run of absent ones
 * as a count) and an end mark. Equal states get one hash in every version,
 * and no hash stored in the visited set goes stale.
 *
 * What is not plain data of these kinds (a float, -0 aside; a Map or Set; a
 * class instance; a sparse array) has no layout: `learn` says so and the
 * caller keeps that state as an object. So does any state once the schema
 * would pass MAX_WORDS: then the schema is frozen, so that whether a state
 * has the layout is from then on a matter of its data alone.
 */
import { HASH } from './fingerprint.js';

const ABSENT = 0,
  UNDEF = 1,
  NULL = 2,
  BOOL = 3,
  INT = 4,
  STR = 5,
  ARR = 6,
  REC = 7;
const bit = (k: number) => 1 << k;
const SCALAR = bit(BOOL) | bit(INT) | bit(STR);

// Hash tags: large arbitrary constants, like fingerprint.ts's, so that a
// state's small integers do not pose as them.
const T_UNDEF = 0x243f6a88 | 0,
  T_NULL = 0x85a308d3 | 0,
  T_FALSE = 0x13198a2e | 0,
  T_TRUE = 0x03707344 | 0;
const T_STR = 0xa4093822 | 0,
  T_ARR = 0x299f31d0 | 0,
  T_REC = 0x082efa98 | 0,
  T_END = 0xec4e6c89 | 0,
  T_GAP = 0x452821e6 | 0;

/** The most words a learned layout may have: past it the schema freezes. */
export const MAX_WORDS = 4096;
const MAX_DEPTH = 24;
// Composites of at most this many words are packed inline (see compile).
const INLINE_WORDS = 12;

interface Slot {
  kinds: number;
  cap: number;
  item?: Slot;
  keys?: string[];
  fields?: Slot[];
}

const slot = (kinds = 0): Slot => ({ kinds, cap: 0 });

function isPlainRecord(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Widens `s` to take `v`; false when `v` is not plain data of the kinds above. */
function learnInto(s: Slot, v: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (typeof v) {
    case 'number':
      if ((v | 0) !== v) return false;
      s.kinds |= bit(INT);
      return true;
    case 'string':
      s.kinds |= bit(STR);
      return true;
    case 'boolean':
      s.kinds |= bit(BOOL);
      return true;
    case 'undefined':
      s.kinds |= bit(UNDEF);
      return true;
    case 'object': {
      if (v === null) {
        s.kinds |= bit(NULL);
        return true;
      }
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v)) return false;
        s.kinds |= bit(ARR);
        s.item ??= slot();
        // Room to grow, so that a list lengthening one by one does not widen the schema each time.
        if (v.length > s.cap) s.cap = s.cap === 0 ? v.length : Math.max(v.length, Math.min(2 * s.cap, s.cap + 4));
        for (const x of v) if (!learnInto(s.item, x, depth + 1)) return false;
        return true;
      }
      if (!isPlainRecord(v)) return false;
      const rec = v as Record<string, unknown>;
      const seenBefore = (s.kinds & bit(REC)) !== 0;
      s.kinds |= bit(REC);
      s.keys ??= [];
      s.fields ??= [];
      const here = new Set<string>();
      for (const key in rec) {
        if (key === '__proto__') return false;
        here.add(key);
      }
      s.keys.forEach((key, i) => {
        if (!here.has(key)) s.fields![i].kinds |= bit(ABSENT);
      });
      for (const key of here) {
        let i = s.keys.indexOf(key);
        if (i < 0) {
          i = s.keys.push(key) - 1;
          s.fields.push(slot(seenBefore ? bit(ABSENT) : 0));
        }
        if (!learnInto(s.fields[i], rec[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

const count = (kinds: number) => {
  let n = 0;
  for (let k = kinds; k !== 0; k &= k - 1) n++;
  return n;
};
const tagWords = (s: Slot) => (count(s.kinds) > 1 ? 1 : 0);
const valueWords = (s: Slot) => (s.kinds & SCALAR ? 1 : 0);
const arrayWords = (s: Slot): number => (s.kinds & bit(ARR) ? 1 + s.cap * wordsOf(s.item!) : 0);
const recordWords = (s: Slot): number => (s.kinds & bit(REC) ? s.fields!.reduce((n, f) => n + wordsOf(f), 0) : 0);
function wordsOf(s: Slot): number {
  return tagWords(s) + valueWords(s) + arrayWords(s) + recordWords(s);
}

/** One compiled version of a schema. */
export interface LearnedLayout {
  readonly version: number;
  readonly words: number;
  /** Writes `value`'s words at `words[at..]` (the rest of its span zeroed) and its hash into `out`; false when it does not fit. */
  pack(value: unknown, words: Int32Array, at: number, out: Uint32Array): boolean;
  /** A new plain state from `words[at..]`. */
  fresh(words: Int32Array, at: number): unknown;
}

const hashStep = (x: string) => `a = Math.imul(a ^ (${x}), 0x9e3779b1); a ^= a >>> 15; b = Math.imul(b + ((${x}) ^ ${HASH.WORD_SALT}), 0x85ebca77); b ^= b >>> 13;`;

function compile(root: Slot, version: number, strings: string[], ids: Map<string, number>): LearnedLayout {
  let id = 0;
  const v = () => `v${id++}`;
  const words = wordsOf(root);

  const functions: string[] = [];
  // Code that packs the value in variable x into the slot at `base + off`.
  const packCode = (s: Slot, x: string, base: string, off: number): string => {
    const at = (o: number) => `words[${base} + ${off + o}]`;
    const multi = tagWords(s) === 1;
    const tag = (k: number) => (multi ? `${at(0)} = ${k};` : '');
    const val = tagWords(s);
    const arr = val + valueWords(s);
    const rec = arr + arrayWords(s);
    const has = (k: number) => (s.kinds & bit(k)) !== 0;
    const branches: string[] = [];
    if (has(INT)) branches.push(`if (typeof ${x} === 'number') { if ((${x} | 0) !== ${x}) return false; ${tag(INT)} ${at(val)} = ${x}; ${hashStep(x)} }`);
    if (has(STR)) {
      const n = v();
      branches.push(
        `if (typeof ${x} === 'string') { let ${n} = ids.get(${x}); if (${n} === undefined) ${n} = intern(${x}); ${tag(STR)} ${at(val)} = ${n}; ${hashStep(String(T_STR))} ${hashStep(n)} }`,
      );
    }
    if (has(BOOL)) branches.push(`if (typeof ${x} === 'boolean') { ${tag(BOOL)} if (${x}) { ${at(val)} = 1; ${hashStep(String(T_TRUE))} } else { ${hashStep(String(T_FALSE))} } }`);
    if (has(NULL)) branches.push(`if (${x} === null) { ${tag(NULL)} ${hashStep(String(T_NULL))} }`);
    if (has(UNDEF)) branches.push(`if (${x} === undefined) { ${tag(UNDEF)} ${hashStep(String(T_UNDEF))} }`);
    // A composite gets a function of its own: one function for the whole
    // state took TurboFan a second to compile, each time the schema widened.
    // The lanes pass between them in A and B, and live in locals within each.
    // A small one (a row of ints, a few fields) is packed inline, a call
    // costing more than its words.
    const composite = (body: (at: string) => string): string => {
      if (wordsOf(s) <= INLINE_WORDS) {
        const at = v();
        return `{ const ${at} = ${base}; ${body(at)} }`;
      }
      const f = v();
      functions.push(`function ${f}(${x}, words, at) { let a = A, b = B; ${body('at')} A = a; B = b; return true; }`);
      return `A = a; B = b; if (!${f}(${x}, words, ${base})) return false; a = A; b = B;`;
    };
    const own = (at: string, k: number) => (multi ? `words[${at} + ${off}] = ${k};` : '');
    if (has(ARR)) {
      const i = v(),
        e = v(),
        n = v();
      const itemWords = wordsOf(s.item!);
      const body = (at: string) => `const ${n} = ${x}.length; if (${n} > ${s.cap}) return false; ${own(at, ARR)} words[${at} + ${off + arr}] = ${n};
        ${hashStep(String(T_ARR))} ${hashStep(n)}
        for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${e} = ${x}[${i}];
          ${packCode(s.item!, e, `${at} + ${off + arr + 1} + ${i} * ${itemWords}`, 0)} }`;
      branches.push(`if (Array.isArray(${x})) { ${composite(body)} }`);
    }
    if (has(REC)) {
      const present = v(),
        gap = v(),
        all = v();
      const optional = s.fields!.some((field) => (field.kinds & bit(ABSENT)) !== 0);
      const required = s.fields!.filter((field) => (field.kinds & bit(ABSENT)) === 0).length;
      const body = (at: string) => {
        let o = rec;
        const fields = s.keys!.map((key, j) => {
          const field = s.fields![j];
          const e = v();
          const k = JSON.stringify(key);
          const pack = packCode(field, e, at, off + o);
          o += wordsOf(field);
          // Own properties only: a record without its `toString` or
          // `constructor` field would otherwise read Object.prototype's.
          const read = key in Object.prototype ? `(hasOwn(${x}, ${k}) ? ${x}[${k}] : undefined)` : `${x}[${k}]`;
          const missing = `(${e} === undefined && !hasOwn(${x}, ${k}))`;
          if ((field.kinds & bit(ABSENT)) !== 0) {
            return `{ const ${e} = ${read};
              if (${missing}) ${gap}++;
              else { ${present}++; if (${gap} !== 0) { ${hashStep(String(T_GAP))} ${hashStep(gap)} ${gap} = 0; } ${pack} } }`;
          }
          // A required field: absent only where it may also be undefined, and then the record does not fit.
          const absent = (field.kinds & bit(UNDEF)) !== 0 ? `if ${missing} return false;` : '';
          if (!optional) return `{ const ${e} = ${read}; ${absent} ${pack} }`;
          return `{ const ${e} = ${read}; ${absent} if (${gap} !== 0) { ${hashStep(String(T_GAP))} ${hashStep(gap)} ${gap} = 0; } ${pack} }`;
        });
        return `${own(at, REC)}
          ${hashStep(String(T_REC))} ${optional ? `let ${present} = ${required}, ${gap} = 0;` : ''}
          ${fields.join('\n')}
          let ${all} = 0; for (const _ in ${x}) ${all}++; if (${all} !== ${optional ? present : required}) return false;
          ${hashStep(String(T_END))}`;
      };
      branches.push(`if (typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x}) && isPlain(${x})) { ${composite(body)} }`);
    }
    return branches.length === 0 ? 'return false;' : `${branches.join(' else ')} else return false;`;
  };

  // An expression for the value of the slot at `base + off`; composite and
  // mixed slots get a function each, taking the base.
  const freshExpr = (s: Slot, base: string, off: number): string => {
    const val = tagWords(s);
    const arr = val + valueWords(s);
    const rec = arr + arrayWords(s);
    const one = (k: number, base: string): string => {
      const at = (o: number) => `words[${base} + ${off + o}]`;
      switch (k) {
        case UNDEF:
        case ABSENT:
          return 'undefined';
        case NULL:
          return 'null';
        case BOOL:
          return `${at(val)} === 1`;
        case INT:
          return at(val);
        case STR:
          return `strings[${at(val)}]`;
        case ARR: {
          const f = v(),
            n = v(),
            out = v(),
            i = v();
          const itemWords = wordsOf(s.item!);
          // A literal of each length up to a small capacity: allocated once at
          // its size, and packed (new Array(n) would be holey, slower for the
          // design's code; pushing grows it step by step).
          const item = (k: string) => freshExpr(s.item!, `at + ${off + arr + 1} + ${k} * ${itemWords}`, 0);
          const literals =
            s.cap <= 8
              ? `switch (${n}) { ${Array.from({ length: s.cap + 1 }, (_, len) => `case ${len}: return [${Array.from({ length: len }, (_, k) => item(String(k))).join(', ')}];`).join(' ')} }`
              : '';
          functions.push(`function ${f}(words, at) { const ${n} = words[at + ${off + arr}]; ${literals} const ${out} = [];
            for (let ${i} = 0; ${i} < ${n}; ${i}++) ${out}.push(${item(i)});
            return ${out}; }`);
          return `${f}(words, ${base})`;
        }
        case REC: {
          const f = v(),
            out = v();
          let o = rec;
          const required: string[] = [];
          const optional: string[] = [];
          s.keys!.forEach((key, j) => {
            const field = s.fields![j];
            const k = JSON.stringify(key);
            if ((field.kinds & bit(ABSENT)) === 0) required.push(`${k}: ${freshExpr(field, 'at', off + o)}`);
            else optional.push(`if (words[at + ${off + o}] !== ${ABSENT}) ${out}[${k}] = ${freshExpr(field, 'at', off + o)};`);
            o += wordsOf(field);
          });
          functions.push(`function ${f}(words, at) { const ${out} = { ${required.join(', ')} }; ${optional.join(' ')} return ${out}; }`);
          return `${f}(words, ${base})`;
        }
        default:
          throw new Error(`learned layout: no kind ${k}`);
      }
    };
    const kinds = [ABSENT, UNDEF, NULL, BOOL, INT, STR, ARR, REC].filter((k) => (s.kinds & bit(k)) !== 0);
    if (kinds.length === 1) return one(kinds[0], base);
    // A mixed slot: its tag says which kind.
    const f = v();
    functions.push(`function ${f}(words, at) { switch (words[at + ${off}]) { ${kinds.map((k) => `case ${k}: return ${one(k, 'at')};`).join(' ')} } }`);
    return `${f}(words, ${base})`;
  };

  const packBody = `words.fill(0, at, at + ${words});
    let a = ${HASH.SEED_A}, b = ${HASH.SEED_B};
    ${packCode(root, 'value', 'at', 0)}
    finish(a, b, out);
    return true;`;
  const top = freshExpr(root, 'at', 0);
  const made = new Function(
    'finish',
    'ids',
    'intern',
    'strings',
    'isPlain',
    'hasOwn',
    `let A = 0, B = 0;
    ${functions.join('\n')}
    return {
      pack(value, words, at, out) { ${packBody} },
      fresh(words, at) { return ${top}; },
    };`,
  )(
    HASH.finish,
    ids,
    (x: string) => {
      ids.set(x, strings.length);
      return strings.push(x) - 1;
    },
    strings,
    isPlainRecord,
    Object.hasOwn,
  ) as Pick<LearnedLayout, 'pack' | 'fresh'>;
  return { version, words, pack: made.pack, fresh: made.fresh };
}

/**
 * The schema of one search's states and its compiled versions. `layout` is
 * the newest; `versions[v]` reads words packed by version v.
 */
export class LearnedSchema {
  private readonly root = slot();
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  readonly versions: LearnedLayout[] = [];
  /** Past MAX_WORDS: no more widening. */
  frozen = false;

  /** The schema of `sample`, or undefined when the sample is not plain data of the kinds above. */
  static of(sample: unknown): LearnedSchema | undefined {
    const schema = new LearnedSchema();
    return schema.learn(sample) ? schema : undefined;
  }

  get layout(): LearnedLayout {
    return this.versions[this.versions.length - 1];
  }

  /**
   * Widens the schema to take `value` and compiles a new version; false
   * (and the schema unchanged in use) when the value has no layout.
   */
  learn(value: unknown): boolean {
    if (this.frozen) return false;
    // Learned on a copy, so that a value that cannot be taken leaves the schema as it was.
    const trial = structuredClone(this.root);
    if (!learnInto(trial, value, 0)) return false;
    if (wordsOf(trial) > MAX_WORDS) {
      this.frozen = true;
      return false;
    }
    Object.assign(this.root, trial);
    this.versions.push(compile(this.root, this.versions.length, this.strings, this.ids));
    return true;
  }
}
