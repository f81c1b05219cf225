/** The options of `rewardc test` (apart from the command, which loads fast-check only when it runs). */
import type { CommandSpec } from "./args.js";

/** Generated batches per property unless `--runs` says otherwise (also `DEFAULT_RUNS` of src/testing). */
const DEFAULT_RUNS = 100;

export const testCommand: CommandSpec = {
  name: "test",
  usage: "rewardc test FILE... [--seed N] [--runs N] [--param NAME=VALUE ...] [--backend auto|cpu|webgpu] [--property NAME ...] [--out-dir DIR]",
  summary: "Check the properties of specs on generated batches: the `property` items and the built-in laws.",
  options: {
    seed: { type: "string", value: "N", help: "fast-check seed, to replay a run (default: a random one, printed)" },
    runs: { type: "string", value: "N", help: `generated batches per property (default ${DEFAULT_RUNS})` },
    backend: { type: "string", value: "auto|cpu|webgpu", help: "also check CPU/WebGPU agreement: when an adapter exists (auto, the default), never (cpu), or required (webgpu)" },
    param: { type: "string", multiple: true, value: "NAME=VALUE", help: "check the properties with this param value (as `rewardc run --param`)" },
    property: { type: "string", multiple: true, value: "NAME", help: "check only this property (a declared one or a built-in law)" },
    "out-dir": { type: "string", value: "DIR", help: "write counterexamples here instead of next to each spec" },
  },
  details: [
    "Every spec gets the built-in laws: determinism, finite_outputs (for inputs within their declared ranges),",
    "permutation_invariance (outputs follow their rollouts when rollouts are reordered), group_order (reordering",
    "the groups of a batch changes nothing) and cpu_webgpu_agreement (when a WebGPU backend is used).",
    "",
    "On a failure, the smallest batch found is printed as a table and written as JSONL (`SPEC.PROPERTY.counterexample.jsonl`)",
    "that `rewardc run SPEC --in FILE` reads; the seed and the command that replays the run are printed.",
    "",
    "Exit codes: 0 every property holds; 1 a property fails or a spec has errors; 2 usage.",
  ].join("\n"),
};
