/**
 * Seeded batches for `rewardc bench` from a spec's declarations alone: values uniform within each input's
 * declared range (or a default range), ragged lengths uniform in [0, 2 * meanLength], groups of G contiguous
 * rollouts, and short sentences with numbers for `string` inputs. Throughput, not realism, is the point; the
 * values only need to be valid inputs.
 */
import type { IrModule } from "../compiler/ir.js";
import type { ColumnInput } from "../runtime/batch.js";
import { randomInt, seededRandom } from "./benchTiming.js";

const DEFAULT_INT_RANGE: [number, number] = [0, 1000];
const DEFAULT_FLOAT_RANGE: [number, number] = [-1, 1];
const WORDS = ["the", "answer", "is", "so", "we", "get", "therefore", "step", "check", "final"];

function randomFloat32(random: () => number, lo: number, hi: number): number {
  const v = Math.fround(lo + random() * (hi - lo));
  // Rounding to float32 can step just outside a bound that is not itself a float32.
  return v >= lo && v <= hi ? v : Math.fround((lo + hi) / 2);
}

function randomText(random: () => number): string {
  const words: string[] = [];
  const n = randomInt(random, 3, 24);
  for (let k = 0; k < n; k++) words.push(WORDS[randomInt(random, 0, WORDS.length - 1)]!);
  return `${words.join(" ")} \\boxed{${randomInt(random, 0, 99)}}`;
}

export function randomColumnInput(module: IrModule, size: number, groupSize: number, seed: number, meanLength: number): ColumnInput {
  const random = seededRandom(seed);
  const offsets: Record<string, Int32Array> = {};
  for (const axis of module.axes) {
    if (axis.kind !== "ragged") continue;
    const o = new Int32Array(size + 1);
    for (let i = 0; i < size; i++) o[i + 1] = o[i]! + randomInt(random, 0, 2 * meanLength);
    offsets[axis.name] = o;
  }
  const lengthOf = (axisName: string | null): number => {
    if (axisName === null) return size;
    const axis = module.axes.find((a) => a.name === axisName)!;
    return axis.kind === "ragged" ? offsets[axisName]![size]! : size * (axis.width ?? 0);
  };
  const columns: Record<string, Float32Array | Int32Array | Uint8Array> = {};
  for (const decl of module.inputs) {
    if (decl.feature !== undefined) continue;
    const n = lengthOf(decl.axis);
    if (decl.type === "bool") {
      const c = new Uint8Array(n);
      for (let i = 0; i < n; i++) c[i] = random() < 0.5 ? 1 : 0;
      columns[decl.name] = c;
    } else if (decl.type === "i32") {
      const [lo, hi] = decl.range ?? DEFAULT_INT_RANGE;
      const c = new Int32Array(n);
      for (let i = 0; i < n; i++) c[i] = randomInt(random, Math.ceil(lo), Math.floor(hi));
      columns[decl.name] = c;
    } else {
      const [lo, hi] = decl.range ?? DEFAULT_FLOAT_RANGE;
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) c[i] = randomFloat32(random, lo, hi);
      columns[decl.name] = c;
    }
  }
  const texts: Record<string, string[]> = {};
  for (const t of module.texts ?? []) texts[t.name] = Array.from({ length: size }, () => randomText(random));
  const groupKeys = new Int32Array(size);
  for (let i = 0; i < size; i++) groupKeys[i] = Math.floor(i / groupSize);
  return { size, groupKeys, columns, offsets, ...(module.texts?.length ? { texts } : {}) };
}
