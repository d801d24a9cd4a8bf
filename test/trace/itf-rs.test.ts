// The corpus, written in the current format, through itf-rs itself
// (Informal's Rust ITF library, what model-based testing drivers parse
// with), where it can be built: cargo on PATH and PAGECHECK_ITF_RS naming
// an itf-rs checkout whose dependencies cargo finds offline (crates.io is
// not reachable from every machine that runs this suite). Otherwise the
// test is skipped, and says why. Nothing of itf-rs is kept in this repo.
//
// The driver reads every trace with `itf::trace_from_str` (itf-rs's trace
// and state `Meta` rules and its `Value` parser), and decodes each state's
// `mbt::actionTaken` as a String and `mbt::nondetPicks` as a map of Quint
// options (the adjacently tagged enum itf-rs's tests use), as a driver
// following the trace would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NONDET_PICKS, parseItf } from '../../trace/counterexample.js';

const source = process.env.PAGECHECK_ITF_RS;
const hasCargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' }).status === 0;
const unavailable = !hasCargo
  ? 'cargo is not installed'
  : source === undefined
    ? 'PAGECHECK_ITF_RS is not set to an itf-rs checkout'
    : !existsSync(join(source, 'Cargo.toml')) || !/^name\s*=\s*"itf"/m.test(readFileSync(join(source, 'Cargo.toml'), 'utf8'))
      ? `${source} is not an itf-rs checkout`
      : undefined;

/** The driver; `Picks` has a field for every pick the traces make, as a driver's struct would (itf-rs reads a record into a struct, a `#map` into a map). */
const mainRs = (picks: readonly string[]): string => `
use serde::Deserialize;

// As itf-rs's own tests/sum_types.rs reads a Quint option (itf::de::QuintOption is not public).
#[derive(Deserialize)]
#[serde(tag = "tag", content = "value")]
enum Opt {
    Some(itf::Value),
    None,
}

#[derive(Deserialize)]
struct Picks {
${picks.map((p, i) => `    #[serde(rename = ${JSON.stringify(p)}, default)]\n    p${i}: Option<Opt>,`).join('\n')}
}

impl Picks {
    fn some(&self) -> usize {
        [${picks.map((_, i) => `&self.p${i}`).join(', ')}].iter().filter(|p| matches!(p, Some(Opt::Some(_)))).count()
    }
}

// One design's state as a driver would type it: every optional place an Opt in every state, integers BigInt.
#[derive(Deserialize)]
struct Pending {
    id: String,
    after: Vec<String>,
    flushed: bool,
    target: Tagged,
}

#[derive(Deserialize)]
struct Tagged {
    tag: String,
    value: itf::Value,
}

#[derive(Deserialize)]
struct Pmem {
    pending: Vec<Pending>,
    txn: bool,
    seq: num_bigint::BigInt,
    pte: Vec<String>,
    fault: Opt,
    #[serde(rename = "atCrash")]
    at_crash: Opt,
    crashes: num_bigint::BigInt,
}

#[derive(Deserialize)]
struct Step {
    #[serde(rename = "mbt::actionTaken")]
    action_taken: String,
    #[serde(rename = "mbt::nondetPicks")]
    nondet_picks: Picks,
}

fn main() {
    let mut failed = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args[0] == "--pmem" {
        for file in &args[1..] {
            let text = std::fs::read_to_string(file).expect("readable");
            match itf::trace_from_str::<Pmem>(&text) {
                Ok(t) => {
                    let crashed = t.states.iter().filter(|s| matches!(s.value.at_crash, Opt::Some(_))).count();
                    let targets: Vec<&str> = t.states.iter().flat_map(|s| s.value.pending.iter().map(|p| p.target.tag.as_str())).collect();
                    let last = &t.states[t.states.len() - 1].value;
                    println!("pmem {} crashes {} states after a crash {} targets {}", file, last.crashes, crashed, targets.len());
                }
                Err(e) => {
                    failed = true;
                    println!("FAIL {}: {}", file, e);
                }
            }
        }
        std::process::exit(if failed { 1 } else { 0 });
    }
    for file in args {
        let text = std::fs::read_to_string(&file).expect("readable");
        match itf::trace_from_str::<Step>(&text) {
            Ok(trace) => {
                let picked: usize = trace.states.iter().map(|s| s.value.nondet_picks.some()).sum();
                println!("ok {} {} states, first action {}, {} picks", file, trace.states.len(), trace.states[0].value.action_taken, picked);
            }
            Err(e) => {
                failed = true;
                println!("FAIL {}: {}", file, e);
            }
        }
    }
    std::process::exit(if failed { 1 } else { 0 });
}
`;

describe('itf-rs', () => {
  it(`parses every corpus trace in the current format, and not the first format${unavailable ? ` (skipped: ${unavailable})` : ''}`, (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const dir = join(tmpdir(), 'pagecheck-itf-rs');
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'traces'), { recursive: true });
    writeFileSync(
      join(dir, 'Cargo.toml'),
      `[package]\nname = "pagecheck-itf-rs"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nitf = { path = ${JSON.stringify(source)} }\nserde = { version = "1", features = ["derive"] }\nnum-bigint = { version = "0.4", features = ["serde"] }\n`,
    );
    const root = new URL('../../counterexamples/', import.meta.url).pathname;
    const traces = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.itf.json'));
    const docs = traces.map((f) => parseItf(JSON.parse(readFileSync(join(root, f), 'utf8'))));
    const picks = [...new Set(docs.flatMap((d) => d.states.flatMap((st) => Object.keys(st[NONDET_PICKS] as object))))].sort();
    writeFileSync(join(dir, 'src', 'main.rs'), mainRs(picks));
    const build = spawnSync('cargo', ['build', '--offline', '--quiet'], { cwd: dir, encoding: 'utf8' });
    if (build.status !== 0) {
      // Missing crates skip the test; anything else (the driver does not compile against itf-rs) fails it.
      if (!/no matching package|failed to select a version|failed to get|failed to load source|offline/i.test(build.stderr)) throw new Error(build.stderr);
      const why = `cargo could not build itf-rs offline: ${(
        build.stderr
          .trim()
          .split('\n')
          .find((l) => l.startsWith('error')) ?? ''
      ).slice(0, 300)}`;
      console.log(`itf-rs test skipped: ${why}`);
      ctx.skip(why);
    }
    const written = traces.map((f, i) => {
      const out = join(dir, 'traces', f.replace(/\//g, '.'));
      writeFileSync(out, JSON.stringify(docs[i]));
      return out;
    });
    const first = new URL('../fixtures/itf-first-format/pmem-nofsync-naive.crash-ordering.itf.json', import.meta.url).pathname;
    const run = (files: string[]) => spawnSync('cargo', ['run', '--offline', '--quiet', '--', ...files], { cwd: dir, encoding: 'utf8' });
    const ok = run(written);
    expect(ok.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    const lines = ok.stdout.split('\n').filter((l) => / states, first action init, \d+ picks$/.test(l));
    expect(lines).toHaveLength(written.length);
    // itf-rs read as Some exactly the picks pagecheck wrote as Some.
    const somes = (d: (typeof docs)[number]): number => d.states.reduce((n, st) => n + Object.values(st[NONDET_PICKS] as Record<string, { tag: string }>).filter((p) => p.tag === 'Some').length, 0);
    expect(lines.map((l) => Number(/(\d+) picks$/.exec(l)![1]))).toEqual(docs.map(somes));
    // A pmem design's state decoded into a Rust struct: fault and atCrash are options in every state.
    const pmem = written.filter((f) => /pmem-nofsync-/.test(f));
    expect(pmem.length).toBeGreaterThan(0);
    const typed = run(['--pmem', ...pmem]);
    expect(typed.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(typed.stdout).toMatch(/^pmem .* crashes 1 states after a crash [1-9]/m);
    expect(ok.status).toBe(0);
    // What issue 15 found: itf-rs rejects the first format whole, for an object where its Meta takes a string.
    expect(run([first]).stdout).toMatch(/^FAIL .*invalid type: map, expected a string/m);
  }, 600_000);
});
