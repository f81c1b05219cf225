import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shortestF32 } from "../../src/util/numbers.js";

/** The definition: the fewest significant digits (1 to 9) that read back as the same float32. */
function shortestByLinearSearch(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

const f32FromBits = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0]!;

describe("shortestF32", () => {
  it("equals the linear search on random float32 values, subnormals, zeros and non-finite ones included", () => {
    fc.assert(
      fc.property(fc.float(), (x) => {
        expect(Object.is(shortestF32(x), shortestByLinearSearch(x))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it("equals the linear search on every bit pattern's neighbourhood of a power of two (uneven rounding intervals)", () => {
    for (let exponent = 0; exponent < 255; exponent++) {
      for (let step = -3; step <= 3; step++) {
        const bits = exponent * 2 ** 23 + step;
        if (bits < 0) continue;
        for (const sign of [0, 2 ** 31]) {
          const x = f32FromBits(bits + sign);
          expect(Object.is(shortestF32(x), shortestByLinearSearch(x)), String(x)).toBe(true);
        }
      }
    }
  });

  it("keeps zeros, their sign, and values that are not float32", () => {
    expect(Object.is(shortestF32(-0), -0)).toBe(true);
    expect(shortestF32(0)).toBe(0);
    expect(shortestF32(Math.fround(0.9))).toBe(0.9);
    expect(shortestF32(0.1)).toBe(0.1); // 0.1 is not a float32: left as it is
    expect(shortestF32(f32FromBits(1))).toBe(1e-45);
  });
});
