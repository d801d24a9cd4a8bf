/**
 * Check results as text: a block per design, and the design x property
 * verdict table. "holds" always carries its bound; a search that stopped
 * early says so and is never called a proof.
 */
import type { CheckResult, PropertyResult } from '../checker/result.js';
import { unreachedText } from '../report/proof.js';

export function describeBound(r: CheckResult): string {
  const ex = r.exhaustive;
  if (!ex) return 'no exhaustive search';
  const counts = `${ex.states.toLocaleString('en-US')} states, ${ex.transitions.toLocaleString('en-US')} transitions`;
  if (ex.exhausted) return `whole state space: ${counts}, diameter ${ex.depth} (complete)`;
  if (ex.complete) return `every history of up to ${ex.maxDepth} actions: ${counts} (complete)`;
  return `stopped by the ${ex.stoppedBy} bound at depth ${ex.depth}: ${counts} (INCOMPLETE)`;
}

function verdictLine(r: CheckResult, p: PropertyResult): string[] {
  switch (p.verdict) {
    case 'holds':
      return [`holds      ${r.exhaustive!.exhausted ? 'in every reachable state' : `for every history of up to ${r.exhaustive!.maxDepth} actions`}`];
    case 'vacuous':
      return [`holds (vacuous: ${unreachedText(p)}): not a proof`];
    case 'violated': {
      const lines = [`${p.claimed ? 'VIOLATED  ' : 'not kept (not claimed: a contrast)'} after ${p.traceLength} action${p.traceLength === 1 ? '' : 's'} (${p.mode} search): ${p.message}`];
      lines.push(`             ${p.actions!.join('; ') || '(in the initial state)'}`);
      // On one line however long: it is to be pasted into a shell.
      const reproduce = r.counterexamples[p.id]?.['#meta'].reproduce;
      if (reproduce) lines.push(`             reproduce: ${reproduce}`);
      if (p.file) lines.push(`             saved: ${p.file}`);
      return lines;
    }
    case 'inconclusive':
      return [
        p.reason
          ? `inconclusive: nothing found, but ${p.reason}`
          : r.exhaustive
            ? `inconclusive: nothing found, but the search did not complete its bound`
            : `inconclusive: nothing found in ${r.random!.runs} random runs (random search proves nothing)`,
      ];
    case 'not-applicable':
      return [`not applicable: ${p.reason}`];
  }
}

export function formatResult(r: CheckResult): string {
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const amended = r.amends?.length ? `  amended: ${r.amends.join(', ')}` : '';
  const lines = [`${r.design}${params ? `  (${params})` : ''}${r.bugs.length ? `  bugs: ${r.bugs.join(', ')}` : ''}${amended}`];
  if (r.exhaustive) lines.push(`  exhaustive: ${describeBound(r)}, ${r.exhaustive.seconds} s${r.exhaustive.workers ? ` (${r.exhaustive.workers} worker${r.exhaustive.workers > 1 ? 's' : ''})` : ''}`);
  // A reduced bound counts classes, not states: said on every result that used one.
  if (r.exhaustive?.symmetry) lines.push(`  symmetry:   reduced by ${r.exhaustive.symmetry}: one state counted per class`);
  const sc = r.symmetryCheck;
  if (sc) {
    lines.push(
      sc.ok
        ? `  symmetry check: passed (${sc.symmetry}; depth ${sc.depth ?? 'unbounded'}: ${sc.states.reduced.toLocaleString('en-US')} states reduced, ${sc.states.unreduced.toLocaleString('en-US')} unreduced, ${sc.statesChecked.toLocaleString('en-US')} renamed and compared)`
        : `  symmetry check: FAILED (${sc.symmetry}): ${sc.differences[0]}`,
    );
  }
  const crash = r.exhaustive?.crash;
  if (crash) {
    lines.push(
      `  crashes:    ${crash.points.toLocaleString('en-US')} crash points, ${crash.successors.toLocaleString('en-US')} successors (at most ${crash.maxSuccessors} at one, ${crash.maxPending} pieces pending)` +
        (crash.cap !== null ? `, cap ${crash.cap}: ${crash.capped} cut` : ''),
    );
  }
  if (r.random) {
    lines.push(`  random:     ${r.random.runs} runs of up to ${r.random.steps} actions, seed ${r.random.seed}${r.random.interrupted ? ' (stopped by the time bound)' : ''}, ${r.random.seconds} s`);
  }
  const width = Math.max(...r.properties.map((p) => p.id.length), 8);
  for (const p of r.properties) {
    const [first, ...rest] = verdictLine(r, p);
    lines.push(`  ${p.id.padEnd(width)}  ${first}`);
    for (const l of rest) lines.push(`  ${''.padEnd(width)}  ${l}`);
  }
  if (r.goals.length) {
    const goals = r.goals.map((g) => (g.reached ? `${g.id} at depth ${g.depth}` : `${g.id} NOT REACHED`));
    lines.push(`  goals: ${goals.join('; ')}`);
  }
  const idle = Object.entries(r.coverage)
    .filter(([, c]) => c.count === 0)
    .map(([k]) => k);
  if (idle.length) lines.push(`  never fired: ${idle.join(', ')}`);
  return lines.join('\n');
}

/**
 * The last line of a check, for scripts to grep (as Quint's `[ok]` and
 * `[violation]`): what the exit code says, in words, with what decided it.
 */
export function closingLine(results: readonly CheckResult[], code: 0 | 1 | 3): string {
  const all = results.flatMap((r) => r.properties.map((p) => ({ design: r.design, ...p })));
  const name = (p: { design: string; id: string }) => (results.length > 1 ? `${p.design}/${p.id}` : p.id);
  const claimed = all.filter((p) => p.claimed);
  const n = (k: number, what: string, many = `${what}s`) => `${k} ${k === 1 ? what : many}`;
  if (code === 1) {
    const broken = claimed.filter((p) => p.verdict === 'violated');
    return `[violation] ${n(broken.length, 'claimed property', 'claimed properties')} violated: ${broken.map(name).join(', ')}`;
  }
  const unsound = results.filter((r) => r.symmetryCheck?.ok === false);
  if (code === 3 && unsound.length) return `[inconclusive] the symmetry declaration of ${unsound.map((r) => r.design).join(', ')} is not a symmetry: ${unsound[0].symmetryCheck!.differences[0]}`;
  if (code === 3) {
    const open = (claimed.length ? claimed : all).filter((p) => p.verdict === 'inconclusive' || p.verdict === 'vacuous');
    return `[inconclusive] nothing claimed was violated, but nothing is proven: ${open.length ? open.map((p) => `${name(p)} ${p.verdict}`).join(', ') : 'no exhaustive search ran'}`;
  }
  const contrasts = all.filter((p) => !p.claimed && p.verdict === 'violated');
  return `[ok] ${n(claimed.filter((p) => p.verdict === 'holds').length, 'claimed property holds', 'claimed properties hold')} to a completed bound${contrasts.length ? `; not claimed, broken: ${contrasts.map(name).join(', ')}` : ''}`;
}

/** The design x property table: one row per property, with the bound it was decided to. */
export function verdictTable(results: readonly CheckResult[]): string {
  const rows = [['design', 'property', 'verdict', 'depth', 'states', 'complete']];
  for (const r of results) {
    for (const p of r.properties) {
      const b = p.bound;
      rows.push([
        r.design,
        p.id,
        p.verdict === 'violated'
          ? `${p.claimed ? 'violated' : 'not claimed, broken'} (${p.traceLength} step${p.traceLength === 1 ? '' : 's'}, ${p.mode})`
          : p.verdict === 'vacuous'
            ? `holds (vacuous: ${unreachedText(p)})`
            : p.verdict,
        b?.depth === null || b === null ? '-' : String(b.depth),
        b ? b.states.toLocaleString('en-US') : '-',
        b ? (b.complete ? 'yes' : 'no') : '-',
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
