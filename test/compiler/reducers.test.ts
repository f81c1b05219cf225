/**
 * The range reducers (`reduceRange`, `softmaxRange`) against the generic definitions (`reduce`, `softmax`):
 * same bits on float32 ranges with zeros of both signs, infinities, NaN, masks and sizes across the counter's carries.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { discountedScan, discountedScanRange, INT_RANGE_REDUCERS, intSum, RANGE_REDUCERS, reduce, reduceIntRange, reduceRange, softmax, softmaxRange } from "../../src/compiler/reducers.js";
import type { ReduceFn } from "../../src/compiler/ir.js";

const special = fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4e38, -3.4e38, 1, 0.1);
const value = fc.oneof({ weight: 6, arbitrary: fc.float() }, { weight: 1, arbitrary: special }, { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) });
const range = fc.tuple(fc.array(value, { maxLength: 70 }), fc.nat({ max: 5 }), fc.nat({ max: 5 }));

describe("range reducers", () => {
  it("give reduce's bits", () => {
    fc.assert(
      fc.property(range, fc.constantFrom(...RANGE_REDUCERS), fc.integer({ min: 0, max: 2 }), fc.option(fc.array(fc.boolean(), { minLength: 80, maxLength: 80 })), ([items, before, after], fn, ddof, selected) => {
        const whole = new Float32Array(before + items.length + after).fill(7.5);
        whole.set(items, before);
        const copy = whole.slice(before, before + items.length);
        const mask = selected === null ? null : Uint8Array.from(selected, (b) => (b ? 1 : 0));
        const expected = reduce(fn as ReduceFn, copy, copy.length, ddof, mask === null ? null : mask.slice(before, before + items.length));
        expect(Object.is(reduceRange(fn as ReduceFn, whole, before, items.length, ddof, mask), expected)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("softmax gives softmax's bits", () => {
    fc.assert(
      fc.property(range, ([items, before]) => {
        const whole = new Float32Array(before + items.length);
        whole.set(items, before);
        const expected = new Float32Array(items.length);
        softmax(whole.slice(before), expected, items.length);
        const got = new Float32Array(before + items.length);
        softmaxRange(whole, before, got, before, items.length);
        for (let i = 0; i < items.length; i++) expect(Object.is(got[before + i], expected[i])).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("discounted scans give discountedScan's bits", () => {
    fc.assert(
      fc.property(range, fc.boolean(), fc.option(value), ([items, before], suffix, uniform) => {
        const whole = new Float32Array(before + items.length);
        whole.set(items, before);
        const gammas = whole.map((v, i) => (i % 3 === 0 ? 0.9 : v * 0.5));
        if (uniform !== null) gammas.fill(uniform);
        const expected = new Float32Array(items.length);
        discountedScan(whole.slice(before), expected, items.length, gammas.slice(before), suffix);
        const got = new Float32Array(before + items.length);
        discountedScanRange(whole, got, before, items.length, uniform === null ? gammas : null, uniform === null ? 0 : Math.fround(uniform), suffix);
        for (let i = 0; i < items.length; i++) expect(Object.is(got[before + i], expected[i])).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("int ranges give intSum's and reduce's values", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), { maxLength: 40 }), fc.nat({ max: 4 }), fc.constantFrom(...INT_RANGE_REDUCERS), fc.option(fc.array(fc.boolean(), { minLength: 50, maxLength: 50 })), (items, before, fn, selected) => {
        const whole = new Int32Array(before + items.length).fill(5);
        whole.set(items, before);
        const mask = selected === null ? null : Uint8Array.from(selected, (b) => (b ? 1 : 0));
        const ownMask = mask === null ? null : mask.slice(before, before + items.length);
        const copy = Float64Array.from(whole.slice(before));
        const expected = fn === "sum" ? intSum(copy, items.length, ownMask) : reduce(fn as ReduceFn, copy, items.length, 0, ownMask);
        expect(Object.is(reduceIntRange(fn as ReduceFn, whole, before, items.length, mask), expected)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
