/**
 * What a result says about time, the only part of it that differs between
 * two runs of the same command with the same seed (`--no-timings` drops it,
 * so that results can be compared byte for byte).
 */
import type { CheckResult } from './result.js';

export function withoutTimings(result: CheckResult): CheckResult {
  const { exhaustive, random } = result;
  return {
    ...result,
    exhaustive: exhaustive ? ((({ seconds: _s, statesPerSecond: _r, ...rest }) => rest)(exhaustive) as CheckResult['exhaustive']) : null,
    random: random ? ((({ seconds: _s, stepsPerSecond: _r, walksPerSecond: _w, ...rest }) => rest)(random) as CheckResult['random']) : null,
  };
}
