/** Mermaid's entity codes (report/mermaid.ts): `#` and `;` are syntax in a sequence diagram's message. */
import { describe, expect, it } from 'vitest';
import { mermaidText } from '../../report/mermaid.js';

describe('mermaidText', () => {
  it('writes # and ; as entity codes without re-escaping the codes themselves', () => {
    expect(mermaidText('a#b;c')).toBe('a#35;b#59;c');
    expect(mermaidText('#;')).toBe('#35;#59;');
  });
  it('keeps a message on one line', () => {
    expect(mermaidText('one\ntwo')).toBe('one two');
  });
});
