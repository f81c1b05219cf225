/**
 * Runs the properties of a compiled spec with fast-check: the declared ones and the built-in laws every spec
 * gets (determinism, finite outputs, permutation invariance within groups, independence from the order of
 * groups, and CPU/WebGPU agreement when a WebGPU backend is given). A failing property comes back with the
 * shrunk, smallest batch fast-check found, as rows `rewardc run` reads.
 */
import fc from "fast-check";
import type { IrModule, PropertyDecl } from "../compiler/ir.js";
import type { Backend } from "../runtime/backend.js";
import type { Batch } from "../runtime/batch.js";
import { arbitraryBatch, arbitraryPairBatch, settingsOf, type BatchSettings, type Row } from "./arbitraries.js";
import { backendDisagreements } from "./agreement.js";
import {
  batchOf,
  close,
  determinism,
  evaluateProperty,
  finiteOutputs,
  groupOrder,
  permutationInvariance,
  run,
  scoring,
  type Outcome,
  type Scoring,
  type Violation,
} from "./laws.js";

export const BUILTIN_LAWS = ["determinism", "finite_outputs", "permutation_invariance", "group_order", "cpu_webgpu_agreement"] as const;
export type BuiltinLaw = (typeof BUILTIN_LAWS)[number];

export interface CheckOptions {
  /** fast-check seed (default: a random one, reported in every result). */
  seed?: number;
  /** Generated batches per property (default 100). */
  runs?: number;
  /** Param overrides (bools as true/false). */
  params?: Record<string, number | boolean>;
  /** Only these properties (declared or built-in names); default: all. */
  only?: readonly string[];
  /** A WebGPU backend of the module (without checks) for `cpu_webgpu_agreement`; skipped without one. */
  gpu?: Backend | null;
  /** Called as batches are checked (also while shrinking), e.g. to show progress. */
  onProgress?: (property: string, done: number, total: number) => void;
}

export interface Counterexample {
  /** The batch, as rows `rewardc run` reads (group key and inputs). */
  rows: Row[];
  violation: Violation;
  /** The rows of a pair property's two rollouts. */
  pair: [number, number] | null;
}

export interface PropertyResult {
  name: string;
  builtin: boolean;
  kind: PropertyDecl["kind"] | "builtin";
  status: "passed" | "failed" | "skipped";
  /** Batches the law was checked on (not counting discarded ones and shrinking). */
  runs: number;
  discarded: number;
  seed: number;
  /** Why a property was skipped, or an error raised while checking it. */
  note?: string;
  counterexample?: Counterexample;
}

export const DEFAULT_RUNS = 100;

/** A random seed for fast-check, as a 31-bit integer (easy to type back in). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/** The names of every property of `module`: the declared ones, then the built-in laws. */
export function propertyNames(module: IrModule): string[] {
  return [...(module.properties ?? []).map((p) => p.name), ...BUILTIN_LAWS];
}

interface Law {
  name: string;
  builtin: boolean;
  kind: PropertyResult["kind"];
  arbitrary: fc.Arbitrary<Case>;
  check: (c: Case) => Outcome | Promise<Outcome>;
  async: boolean;
  skip?: string;
}

/** One generated case: the rows, the batch built from them, and whatever else the law needs. */
interface Case {
  rows: Row[];
  pair: [number, number] | null;
  order: number;
}

/** Checks every property (or `options.only`) of `module`; one result per property, in declaration order. */
export async function checkProperties(module: IrModule, options: CheckOptions = {}): Promise<PropertyResult[]> {
  const s = scoring(module, options.params);
  const seed = options.seed ?? randomSeed();
  const runs = options.runs ?? DEFAULT_RUNS;
  const laws = lawsOf(s, options.gpu ?? null).filter((l) => !options.only || options.only.includes(l.name));
  const results: PropertyResult[] = [];
  for (const law of laws) results.push(await checkLaw(law, s, seed, runs, options));
  return results;
}

/** Checks one property; throws when it fails, with the counterexample in the message (for vitest). */
export async function assertProperty(module: IrModule, name: string, options: Omit<CheckOptions, "only"> = {}): Promise<void> {
  if (!propertyNames(module).includes(name)) throw new Error(`no property named \`${name}\`; this spec has ${propertyNames(module).map((n) => `\`${n}\``).join(", ")}`);
  const [result] = await checkProperties(module, { ...options, only: [name] });
  if (result!.status === "failed") {
    const c = result!.counterexample;
    const rows = c ? c.rows.map((r) => JSON.stringify(r)).join("\n") : "";
    throw new Error(`property \`${name}\` fails (seed ${result!.seed}): ${c?.violation.message ?? result!.note}\n${rows}`);
  }
}

async function checkLaw(law: Law, s: Scoring, seed: number, runs: number, options: CheckOptions): Promise<PropertyResult> {
  const base = { name: law.name, builtin: law.builtin, kind: law.kind, seed };
  if (law.skip) return { ...base, status: "skipped", runs: 0, discarded: 0, note: law.skip };
  let calls = 0;
  let checked = 0;
  let discarded = 0;
  const progress = () => options.onProgress?.(law.name, Math.min(checked, runs), runs);
  const holds = (outcome: Outcome): boolean => {
    calls++;
    if (outcome === "discard") {
      discarded++;
      fc.pre(false);
    }
    checked++;
    if (calls % 10 === 0) progress();
    return outcome === null;
  };
  const parameters = { seed, numRuns: runs, maxSkipsPerRun: 1000 };
  let details: fc.RunDetails<[Case]>;
  if (law.async) {
    details = await fc.check(fc.asyncProperty(law.arbitrary, async (c) => holds(await law.check(c))), parameters);
  } else {
    details = fc.check(fc.property(law.arbitrary, (c) => holds(law.check(c) as Outcome)), parameters);
  }
  progress();
  const ran = Math.min(details.numRuns, runs);
  if (!details.failed) {
    if (ran === 0 && details.numSkips > 0) return { ...base, status: "skipped", runs: 0, discarded: details.numSkips, note: "every generated batch was discarded by `given`; widen the generator settings" };
    return { ...base, status: "passed", runs: ran, discarded: details.numSkips };
  }
  const c = details.counterexample?.[0];
  if (!c) return { ...base, status: "failed", runs: ran, discarded: details.numSkips, note: details.errorInstance ? String(details.errorInstance) : "no counterexample" };
  const outcome = await law.check(c);
  const violation: Violation = outcome !== null && outcome !== "discard" ? outcome : { message: details.errorInstance ? `error: ${String(details.errorInstance)}` : "fails", rows: [] };
  return { ...base, status: "failed", runs: ran, discarded: details.numSkips, counterexample: { rows: c.rows, violation, pair: c.pair } };
}

// ---------------------------------------------------------------- the laws

function lawsOf(s: Scoring, gpu: Backend | null): Law[] {
  const module = s.module;
  const declared = (module.properties ?? []).map((p) => declaredLaw(s, p));
  const batches = (settings: BatchSettings = {}): fc.Arbitrary<Case> =>
    fc.tuple(arbitraryBatch(module, settings), fc.nat()).map(([rows, order]) => ({ rows, pair: null, order }));
  const sync = (name: BuiltinLaw, check: (c: Case, batch: Batch) => Outcome): Law => ({
    name,
    builtin: true,
    kind: "builtin",
    arbitrary: batches(),
    check: (c) => check(c, batchOf(module, c.rows)),
    async: false,
  });
  const builtins: Law[] = [
    sync("determinism", (_c, batch) => determinism(s, batch)),
    sync("finite_outputs", (_c, batch) => finiteOutputs(s, batch)),
    sync("permutation_invariance", (c, batch) => permutationInvariance(s, batch, shuffled(batch.size, c.order))),
    {
      ...sync("group_order", (c, batch) => {
        const groups = shuffled(batch.groupCount, c.order);
        const violation = permutationInvariance(s, batch, groupOrder(batch, groups));
        return violation && { ...violation, message: `${violation.message} (groups scored in the order ${groups.map((g) => JSON.stringify(batch.groupKeys[g] ?? g)).join(", ")})` };
      }),
      ...(module.groupKey === null ? { skip: "the spec has no groups" } : {}),
    },
    {
      name: "cpu_webgpu_agreement",
      builtin: true,
      kind: "builtin",
      arbitrary: batches(),
      check: async (c) => agreement(s, gpu!, batchOf(module, c.rows)),
      async: true,
      ...(gpu === null ? { skip: "no WebGPU backend (no adapter, or --backend cpu)" } : {}),
    },
  ];
  return [...declared, ...builtins];
}

function declaredLaw(s: Scoring, property: PropertyDecl): Law {
  const settings = settingsOf(property.settings);
  const base = { name: property.name, builtin: false, kind: property.kind, async: false };
  if (property.kind === "pair") {
    return {
      ...base,
      arbitrary: arbitraryPairBatch(s.module, property.pair!.differ, settings).map((p) => ({ rows: p.rows, pair: [p.a, p.b] as [number, number], order: 0 })),
      check: (c) => evaluateProperty(s, property, batchOf(s.module, c.rows), c.pair, property.text),
    };
  }
  return {
    ...base,
    arbitrary: arbitraryBatch(s.module, settings).map((rows) => ({ rows, pair: null, order: 0 })),
    check: (c) => evaluateProperty(s, property, batchOf(s.module, c.rows), null, property.text),
  };
}

/** A permutation of 0..n-1 drawn from `seed` (never the identity when n > 1). */
function shuffled(n: number, seed: number): number[] {
  const order = [...Array(n).keys()];
  let state = (seed + 1) >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  if (n > 1 && order.every((v, i) => v === i)) order.reverse();
  return order;
}

async function agreement(s: Scoring, gpu: Backend, batch: Batch): Promise<Outcome> {
  const cpu = run(s, batch);
  const other = await gpu.run(batch, s.params, s.state);
  const [first] = backendDisagreements(s.module, batch, s.params, s.state, cpu, other);
  if (!first) return null;
  return { message: `${first.what} is ${first.cpu} on the CPU, ${first.gpu} on WebGPU (rounding explains up to ${first.spread})`, rows: [] };
}
