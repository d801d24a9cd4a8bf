/**
 * What `pagecheck new NAME` writes: the smallest design with one property,
 * one goal and one bug toggle, in the kernel's words, and a test of it that
 * passes as written. test/cli/new.test.ts checks both do what they say.
 */
export function designTemplate(name: string): string {
  return `/**
 * ${name}: a design for pagecheck, written by \`pagecheck new ${name}\`.
 *
 * The smallest example of the shape every design has: a folio's reference
 * count under users that take and drop references (folio_get/folio_put).
 * Replace it with the rule your mail argues about: a state, the actions
 * enabled in a state, what each action does, and what must always hold.
 *
 *   npx pagecheck designs ./${name}.ts            what it declares
 *   npx pagecheck check ./${name}.ts              search every short history
 *   npx pagecheck check ./${name}.ts --bug put-unheld --save cx
 */
import type { Design, Goal, Property } from 'pagecheck';

/** A state is plain data; keep it one shape (fixed-length arrays, integers) and the search runs fastest. */
export interface State {
  /** folio_ref_count(folio) */
  ref: number;
  /** holds[u]: user u holds a reference. */
  holds: boolean[];
}

/** Every action is a plain record with a kind; its other fields are its arguments, shown in traces as get(u=1). */
export type Act = { readonly kind: 'get'; readonly u: number } | { readonly kind: 'put'; readonly u: number };

/** An invariant: a pure function of a state, returning a one-line message naming the culprit, or undefined. */
const refcount: Property<State> = {
  id: 'refcount',
  description: 'the reference count equals the number of users holding a reference',
  check: (s) => {
    const holders = s.holds.filter(Boolean).length;
    return s.ref !== holders ? \`folio refcount is \${s.ref}, but \${holders} user(s) hold a reference\` : undefined;
  },
};

/** A goal: until the search reaches it, a "holds" of the properties it guards is vacuous, not a proof. */
const shared: Goal<State> = {
  id: 'shared',
  description: 'two users hold the folio at once',
  reached: (s) => s.holds.filter(Boolean).length >= 2,
};

// \`satisfies\` keeps the names of the toggles and parameters as types: a misspelt one in a test does not compile.
export default {
  name: '${name}',
  summary: 'a folio reference count under folio_get and folio_put',
  seed: 'the message or commit this design models, cited',
  params: { U: { default: 2, min: 1, max: 4, description: 'users of the folio' } },
  bugs: { 'put-unheld': 'a user drops a reference it never took (a put without its get)' },
  init: ({ params }) => ({ ref: 0, holds: new Array<boolean>(params.U).fill(false) }),
  actions: (s, cfg) =>
    s.holds.flatMap((held, u): Act[] => {
      if (!held) return cfg.bugs.has('put-unheld') && s.ref > 0 ? [{ kind: 'get', u }, { kind: 'put', u }] : [{ kind: 'get', u }];
      return [{ kind: 'put', u }];
    }),
  // Each handler returns an immer recipe: mutate the draft as the kernel code would.
  next: {
    get: ({ u }) => (d) => {
      d.ref += 1;
      d.holds[u] = true;
    },
    put: ({ u }) => (d) => {
      d.ref -= 1;
      d.holds[u] = false;
    },
  },
  always: [refcount],
  sometimes: [shared],
  // What the authors promised; a property not claimed is still searched, as a contrast.
  claims: ['refcount'],
  // The kernel function each action stands for, shown on every step of a trace.
  notes: { get: 'folio_get', put: 'folio_put' },
} satisfies Design<State, Act>;
`;
}

export function testTemplate(name: string): string {
  return `// Checks ${name} from vitest (npx vitest run ${name}.test.ts). A failure
// prints the counterexample step by step, with the command that reproduces it.
import { describe, it } from 'vitest';
import { expectHolds, expectViolation } from 'pagecheck/vitest';
import design from './${name}.js';

// Named in the reproduce command a failure prints: pagecheck check <this file> ...
const module = new URL('./${name}.ts', import.meta.url);

describe('${name}', () => {
  it('keeps its refcount in every history, to a completed bound', () => {
    expectHolds(design, { module });
  });

  it('loses it when a user puts a reference it never took, in two actions', () => {
    expectViolation(design, 'refcount', { bugs: ['put-unheld'], maxLength: 2, module });
  });
});
`;
}
