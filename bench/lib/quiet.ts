// On a 2-core machine, anything else running (a test suite, a build, the Engine cleaning up after the
// last export) moves every figure. Before each timed command the harness waits for the machine to
// be idle, and flags the samples taken while it was not.
import { readFileSync } from 'node:fs';

function cpuTimes(): { busy: number; total: number } {
  // "cpu  user nice system idle iowait irq softirq steal ..."
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Fraction of all cores busy over `ms` (0..1); 0 where /proc/stat is unreadable. */
export async function busyFraction(ms: number): Promise<number> {
  let a: ReturnType<typeof cpuTimes>;
  try {
    a = cpuTimes();
  } catch {
    return 0;
  }
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

export interface QuietResult {
  quiet: boolean;
  waitedMs: number;
  /** Busy fraction of the last sample. */
  busy: number;
}

/**
 * Waits until the machine is idle: less than `threshold` of all cores busy over a 1 s sample,
 * for at most `maxWaitMs`.
 */
export async function waitQuiet(maxWaitMs: number, threshold = 0.1): Promise<QuietResult> {
  const start = Date.now();
  for (;;) {
    const busy = await busyFraction(1000);
    const waitedMs = Date.now() - start;
    if (busy < threshold) return { quiet: true, waitedMs, busy };
    if (waitedMs >= maxWaitMs) return { quiet: false, waitedMs, busy };
  }
}
