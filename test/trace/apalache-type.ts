/**
 * Apalache's type system 1.2 (ADR-002 and its 1.2 records and variants), the
 * subset ITF's `#meta.varTypes` needs: the types, their parser, and whether
 * a type holds a variant (which Apalache's ITF reader cannot read back).
 * test/trace/itf-rules.ts checks a trace's values against them.
 */

export type ApType =
  | { k: 'Int' | 'Str' | 'Bool' | 'UNIT' }
  | { k: 'var'; name: string }
  | { k: 'Seq' | 'Set'; of: ApType }
  | { k: 'fun'; from: ApType; to: ApType }
  | { k: 'tup'; of: ApType[] }
  | { k: 'rec'; fields: Record<string, ApType> }
  | { k: 'variant'; cases: Record<string, ApType> };

export function parseApalacheType(text: string): ApType {
  const toks = text.match(/->|<<|>>|[A-Za-z_][A-Za-z0-9_]*|[(){}:,|]|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const eat = (t?: string): string => {
    const x = toks[i++];
    if (x === undefined || (t !== undefined && x !== t)) throw new Error(`expected ${t ?? 'a token'} at token ${i - 1}${x ? ` '${x}'` : ''}`);
    return x;
  };
  const type = (): ApType => {
    const left = alt();
    if (peek() === '->') {
      eat('->');
      return { k: 'fun', from: left, to: type() };
    }
    return left;
  };
  const alt = (): ApType => {
    const first = atom();
    if (peek() !== '|') return first;
    if (first.k !== 'variant') throw new Error("'|' joins variants only");
    const cases = { ...first.cases };
    while (peek() === '|') {
      eat('|');
      const next = atom();
      if (next.k !== 'variant') throw new Error("'|' joins variants only");
      Object.assign(cases, next.cases);
    }
    return { k: 'variant', cases };
  };
  const atom = (): ApType => {
    const t = eat();
    if (t === '(') {
      const inner = type();
      eat(')');
      return inner;
    }
    if (t === '<<') {
      const of = [type()];
      while (peek() === ',') (eat(','), of.push(type()));
      eat('>>');
      return { k: 'tup', of };
    }
    if (t === '{') {
      const fields: Record<string, ApType> = {};
      while (peek() !== '}') {
        const f = eat();
        eat(':');
        fields[f] = type();
        if (peek() === ',') eat(',');
      }
      eat('}');
      return { k: 'rec', fields };
    }
    if (t === 'Int' || t === 'Str' || t === 'Bool' || t === 'UNIT') return { k: t };
    if (/^[a-z]$/.test(t)) return { k: 'var', name: t };
    if (t === 'Seq' || t === 'Set') {
      eat('(');
      const of = type();
      eat(')');
      return { k: t, of };
    }
    if (/^[A-Za-z_]/.test(t) && peek() === '(') {
      eat('(');
      const of = type();
      eat(')');
      return { k: 'variant', cases: { [t]: of } };
    }
    throw new Error(`unexpected '${t}'`);
  };
  const out = type();
  if (i !== toks.length) throw new Error(`trailing '${toks[i]}'`);
  return out;
}

export function hasVariant(t: ApType): boolean {
  switch (t.k) {
    case 'variant':
      return true;
    case 'Seq':
    case 'Set':
      return hasVariant(t.of);
    case 'fun':
      return hasVariant(t.from) || hasVariant(t.to);
    case 'tup':
      return t.of.some(hasVariant);
    case 'rec':
      return Object.values(t.fields).some(hasVariant);
    default:
      return false;
  }
}
