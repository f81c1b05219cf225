/**
 * The shortest decimal that reads back as the same float32: values are float32, and printing their
 * float64 expansion (0.8999999761581421) would suggest digits that were never computed.
 */
export function shortestF32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}
