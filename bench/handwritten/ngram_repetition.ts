/**
 * The open-r1 repetition penalty by hand, n = 3: distinct 3-gram windows per rollout counted in an
 * open-addressing hash table of window start positions (compared by their three tokens, so any int32 ids
 * work), reused across rollouts with a generation stamp instead of clearing.
 */
import type { BenchData, Scored } from "../data.js";

const f32 = Math.fround;

export function ngramRepetition(data: BenchData): Scored {
  const tokens = data.columns.tokens as Int32Array;
  const offsets = data.offsets.tokens!;
  const maxPenalty = f32(data.params.max_penalty!);
  const n = data.size;
  let longest = 0;
  for (let i = 0; i < n; i++) longest = Math.max(longest, offsets[i + 1]! - offsets[i]!);
  let capacity = 16;
  while (capacity < 2 * longest) capacity <<= 1;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity);
  const stamps = new Int32Array(capacity);
  const reward = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const begin = offsets[i]!;
    const total = offsets[i + 1]! - begin - 2;
    if (total <= 0) continue;
    const stamp = i + 1;
    let distinct = 0;
    for (let w = begin; w < begin + total; w++) {
      const a = tokens[w]!;
      const b = tokens[w + 1]!;
      const c = tokens[w + 2]!;
      let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
      h ^= h >>> 15;
      let s = h & mask;
      for (;;) {
        if (stamps[s] !== stamp) {
          stamps[s] = stamp;
          slots[s] = w;
          distinct++;
          break;
        }
        const o = slots[s]!;
        if (tokens[o] === a && tokens[o + 1] === b && tokens[o + 2] === c) break;
        s = (s + 1) & mask;
      }
    }
    reward[i] = f32(1 - f32(distinct / total)) * maxPenalty;
  }
  return { outputs: new Map([["reward", reward]]) };
}
