/**
 * Timing and seeded data for `rewardc bench` and `npm run bench`: a warm-up run, then the median and the spread
 * (min..max) of several repeats. Shared machines are noisy, so only figures measured side by side in one run
 * are compared.
 */
import { performance } from "node:perf_hooks";

export interface Stats {
  /** Milliseconds per repeat. */
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function statsOf(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, samples: [...samples] };
}

/** Runs `fn` once untimed (JIT, pipeline caches, first-touch allocation), then `repeats` timed times. */
export async function timeRepeats(repeats: number, fn: () => unknown | Promise<unknown>, warmUp = true): Promise<Stats> {
  if (warmUp) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return statsOf(samples);
}

/** Rollouts per second at the median, and its spread (from the slowest and the fastest repeat). */
export function rates(n: number, s: Stats): { median: number; low: number; high: number } {
  return { median: n / (s.median / 1000), low: n / (s.max / 1000), high: n / (s.min / 1000) };
}

/** 1.23e6/s, three significant digits. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "n/a";
  const [m, e] = perSecond.toExponential(2).split("e");
  return `${m}e${Number(e)}`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

/** "12.3 ms (11.9..13.0)". */
export function formatStats(s: Stats): string {
  return `${formatMs(s.median)} ms (${formatMs(s.min)}..${formatMs(s.max)})`;
}

/** A small fast seeded generator (mulberry32): uniform floats in [0, 1). The same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [lo, hi]. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}
