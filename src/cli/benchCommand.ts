/** The `rewardc bench` command's options and help, apart from its implementation (bench.ts, loaded when used). */
import type { CommandSpec } from "./args.js";

export const benchCommand: CommandSpec = {
  name: "bench",
  usage: "rewardc bench SPEC [--sizes N,N,...] [--group-size G] [--length L] [--backend auto|cpu|webgpu] [--repeats R] [--seed S]",
  summary: "Measure how fast a spec scores: compile time, batch-build time and CPU/WebGPU throughput on generated batches.",
  options: {
    sizes: { type: "string", value: "N,N,...", help: "batch sizes in rollouts (default 1000,10000,100000,1000000)" },
    "group-size": { type: "string", value: "G", help: "rollouts per group, contiguous (default 16)" },
    length: { type: "string", value: "L", help: "mean length of ragged arrays: lengths are uniform in 0..2L (default 16)" },
    backend: { type: "string", value: "auto|cpu|webgpu", help: "auto (the default): the CPU, and WebGPU when an adapter exists; or only one" },
    repeats: { type: "string", value: "R", help: "timed repeats per measurement, after one warm-up run (default 5)" },
    seed: { type: "string", value: "S", help: "seed of the generated data (default 1)" },
  },
  details: [
    "Inputs are generated from the declarations: values uniform within the declared range (ints 0..1000 and",
    "floats -1..1 when none is declared), bools half true, short sentences for string inputs. Figures are",
    "rollouts per second at the median repeat, with the spread (slowest..fastest) in brackets; WebGPU times",
    "include upload and readback. `npm run bench` compares rewardc with Python, numpy and hand-written loops.",
    "",
    "Exit codes: 0 measured; 1 the spec has errors; 2 bad usage or WebGPU disagreeing with the CPU.",
  ].join("\n"),
};
