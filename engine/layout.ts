/**
 * Flat layouts. Many models keep every state in one fixed shape: the same
 * records with the same keys, arrays of the same lengths, integers at the
 * leaves (the benchmark's `ext`, `ref` and `data`). Such a state is all in
 * its integers taken in a fixed order, its words, so the exhaustive search
 * can keep it as words, hash the words, and apply an update to one scratch
 * state reloaded from the parent's words, instead of copying and walking a
 * tree of objects for every successor.
 *
 * From the initial state this compiles (with `new Function`, as shape.ts
 * does) straight-line code for the layout's leaves:
 * - `instance()`: a mutable state of the layout, with `load(words)` to set
 *   its leaves and `pack(words)` to read them back, hashing as it goes;
 * - `fresh(words)`: a new plain state from words;
 * - `pack(value, words)`: the same for any value, or false when it does not
 *   have the layout.
 *
 * A state has the layout or not, whichever way it was reached, so a search
 * may use the words' hash for the states that have it and the structural
 * fingerprint for the others: equal states always get the same one. An
 * instance's `pack` guards cheaply that an update kept the layout: its
 * containers are still the very objects it was built with (an update may
 * have replaced or aliased one), its arrays keep their lengths, its leaves
 * are int32s; its records cannot gain a key, being made non-extensible, so
 * that an update adding one throws (design code is strict-mode code) and the
 * search takes the update again on a plain copy. Arrays are left extensible:
 * sealing them made V8's element access several times slower.
 */
import { HASH } from './fingerprint.js';
import { inferShape, type Shape } from './shape.js';

export interface Layout<S> {
  /** Integers in a state. */
  readonly words: number;
  instance(): Instance<S>;
  /** A new plain state, from `words[at..]`. */
  fresh(words: Int32Array, at: number): S;
  /**
   * Writes the words of `value` at `words[at..]` and their 64-bit hash into
   * `out`; false (and `words` partly written) when the value does not have
   * the layout.
   */
  pack(value: unknown, words: Int32Array, at: number, out: Uint32Array): boolean;
}

/** A mutable state of the layout, reused: loaded from words, updated in place, packed back. */
export interface Instance<S> {
  readonly state: S;
  load(words: Int32Array, at: number): void;
  /** `Layout.pack` of this instance's state, with the cheaper guards described above. */
  pack(words: Int32Array, at: number, out: Uint32Array): boolean;
}

// Bigger states than this are left to the generic code: the straight-line
// code for many more words would be too big for V8 to optimise. (Deeper ones
// than engine/shape.ts describes are too.)
const MAX_WORDS = 256;

type Node = { readonly k: 'int' } | { readonly k: 'array'; readonly items: readonly Node[] } | { readonly k: 'record'; readonly keys: readonly string[]; readonly fields: readonly Node[] };

/**
 * The layout of a sample state's shape (engine/shape.ts), or undefined when
 * the state holds anything but records, arrays and int32s, or an empty
 * container (a collection that grows): arrays keep the sample's length.
 */
function describe(s: Shape): Node | undefined {
  switch (s.k) {
    case 'int':
      return { k: 'int' };
    case 'any':
      return undefined;
    case 'list': {
      const item = s.length > 0 ? describe(s.item) : undefined;
      return item && { k: 'array', items: new Array<Node>(s.length).fill(item) };
    }
    case 'tuple': {
      const items = s.items.map(describe);
      return items.every((n) => n !== undefined) ? { k: 'array', items: items as Node[] } : undefined;
    }
    case 'record': {
      // An own `__proto__` key would set the prototype in the compiled literal.
      if (s.keys.length === 0 || s.keys.includes('__proto__')) return undefined;
      const fields = s.fields.map(describe);
      return fields.every((n) => n !== undefined) ? { k: 'record', keys: s.keys, fields: fields as Node[] } : undefined;
    }
  }
}

function countWords(n: Node): number {
  if (n.k === 'int') return 1;
  if (n.k === 'array') return n.items.reduce((sum, item) => sum + countWords(item), 0);
  return n.fields.reduce((sum, field) => sum + countWords(field), 0);
}

interface Container {
  readonly node: Exclude<Node, { k: 'int' }>;
  /** The expression of this container, from its parent's variable. */
  readonly expr: string;
}

/** Containers in preorder (c0 is the state) and leaves in word order, as accessor expressions. */
function flatten(root: Exclude<Node, { k: 'int' }>): { containers: Container[]; leaves: string[] } {
  const containers: Container[] = [];
  const leaves: string[] = [];
  const visit = (node: Exclude<Node, { k: 'int' }>, expr: string): void => {
    const c = `c${containers.length}`;
    containers.push({ node, expr });
    const children = node.k === 'array' ? node.items.map((n, i) => [n, `${c}[${i}]`] as const) : node.fields.map((n, i) => [n, `${c}[${JSON.stringify(node.keys[i])}]`] as const);
    for (const [child, access] of children) {
      if (child.k === 'int') leaves.push(access);
      else visit(child, access);
    }
  };
  visit(root, 'value');
  return { containers, leaves };
}

// The words' hash: fingerprint.ts's two lanes over the words in order, then
// its final mix. Only states of one layout are compared by it. The lanes'
// steps (mixA and mixB) are written out here, not called: V8 did not inline
// the calls into code this long, and medium took 50 s of CPU instead of 36.
const hashStep = (x: string) => `a = Math.imul(a ^ ${x}, 0x9e3779b1); a ^= a >>> 15; b = Math.imul(b + (${x} ^ ${HASH.WORD_SALT}), 0x85ebca77); b ^= b >>> 13;`;

/** Reads each leaf into `words` and the hash, failing on a leaf that is not an int32. */
function packLeaves(leaves: readonly string[]): string {
  return `let a = ${HASH.SEED_A}, b = ${HASH.SEED_B}, x = 0;
    ${leaves.map((leaf, i) => `x = ${leaf}; if ((x | 0) !== x) return false; words[at + ${i}] = x; ${hashStep('x')}`).join('\n')}
    finish(a, b, out);
    return true;`;
}

export function compileLayout<S>(sample: S): Layout<S> | undefined {
  const root = describe(inferShape(sample));
  if (root === undefined || root.k === 'int' || countWords(root) > MAX_WORDS) return undefined;
  const { containers, leaves } = flatten(root);
  const words = leaves.length;
  let id = 0;
  const fresh = () => `t${id++}`;

  // Any value: every container checked for its kind, length and key set.
  const anyGuards = containers.map(({ node, expr }, i) => {
    const c = `c${i}`;
    if (node.k === 'array') return `const ${c} = ${expr}; if (!Array.isArray(${c}) || ${c}.length !== ${node.items.length}) return false;`;
    // A record as the structural fingerprint sees one (any object but an
    // array, Map or Set, its for-in keys), so that whatever it takes for
    // equal data is packed alike: a state fits the layout, or not, as data.
    const n = fresh();
    const keys = node.keys.map((key) => `(${JSON.stringify(key)} in ${c})`).join(' && ');
    return `const ${c} = ${expr};
      if (typeof ${c} !== 'object' || ${c} === null || Array.isArray(${c}) || ${c} instanceof Map || ${c} instanceof Set) return false;
      let ${n} = 0; for (const _ in ${c}) ${n}++;
      if (${n} !== ${node.keys.length} || !(${keys})) return false;`;
  });
  // An instance: every container still the one it was built with.
  const ownGuards = containers.map(({ node, expr }, i) => {
    const c = `c${i}`;
    const length = node.k === 'array' ? ` || ${c}.length !== ${node.items.length}` : '';
    return `const ${c} = ${expr}; if (${c} !== K[${i}]${length}) return false;`;
  });
  // A new state as one nested literal, keys in the sample's order.
  let next = 0;
  const literal = (node: Node): string => {
    if (node.k === 'int') return `words[at + ${next++}]`;
    if (node.k === 'array') return `[${node.items.map(literal).join(', ')}]`;
    return `{ ${node.keys.map((key, i) => `${JSON.stringify(key)}: ${literal(node.fields[i])}`).join(', ')} }`;
  };
  const made = new Function(
    'finish',
    `return {
      pack(value, words, at, out) { ${anyGuards.join('\n')} ${packLeaves(leaves)} },
      fresh(words, at) { return ${literal(root)}; },
      packOwn(K) {
        return function (words, at, out) { const value = K[0]; ${ownGuards.join('\n')} ${packLeaves(leaves)} };
      },
      loadOwn(K) {
        ${containers.map((_, i) => `const c${i} = K[${i}];`).join(' ')}
        return function (words, at) { ${leaves.map((leaf, i) => `${leaf} = words[at + ${i}];`).join('\n')} };
      },
    };`,
  )(HASH.finish) as {
    pack: Layout<S>['pack'];
    fresh: Layout<S>['fresh'];
    packOwn(K: readonly object[]): Instance<S>['pack'];
    loadOwn(K: readonly object[]): Instance<S>['load'];
  };

  const zeros = new Int32Array(words);
  return {
    words,
    pack: made.pack,
    fresh: made.fresh,
    instance: () => {
      const state = made.fresh(zeros, 0);
      // The containers in the same preorder as `flatten`'s.
      const K: object[] = [];
      const collect = (v: object): void => {
        K.push(v);
        for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) collect(child);
        if (!Array.isArray(v)) Object.preventExtensions(v);
      };
      collect(state as object);
      return { state, load: made.loadOwn(K), pack: made.packOwn(K) };
    },
  };
}
