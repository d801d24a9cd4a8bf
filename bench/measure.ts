/** One search, measured as the benchmark reports it. */

/**
 * Runs `search` and returns its result with the CPU seconds it took and the
 * process's peak RSS: CPU time as well as wall time, because on a shared
 * machine the wall clock measures the neighbours too.
 */
export function measured<R>(search: () => R): { r: R; cpuSeconds: number; peakRss: number } {
  const before = process.cpuUsage();
  const r = search();
  const cpu = process.cpuUsage(before);
  return { r, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRss: process.resourceUsage().maxRSS * 1024 };
}
