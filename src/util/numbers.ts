/**
 * The shortest decimal that reads back as the same float32: values are float32, and printing their
 * float64 expansion (0.8999999761581421) would suggest digits that were never computed.
 */
export function shortestF32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  // The nearest decimal with p + 1 significant digits is never farther from x than the nearest with p (which
  // has p + 1 digits too, with a trailing zero), so once a precision reads back every larger one does: bisect
  // for the smallest. 9 digits identify every float32; if even they do not read back, x is not one.
  let shortest = x;
  let lo = 1;
  let hi = MAX_F32_DIGITS + 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const candidate = Number(x.toPrecision(mid));
    if (Math.fround(candidate) === x) {
      shortest = candidate;
      hi = mid;
    } else lo = mid + 1;
  }
  return shortest;
}

const MAX_F32_DIGITS = 9;
