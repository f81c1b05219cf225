/** `rewardc run`'s options and help: apart from run.ts, so that other commands start without loading Arrow. */
import type { CommandSpec } from "./args.js";

export const runCommand: CommandSpec = {
  name: "run",
  usage:
    "rewardc run SPEC --in ROLLOUTS.jsonl|.arrow [--out SCORED.jsonl|.arrow] [--format jsonl|arrow] [--out-format jsonl|arrow] [--batch-size N | --step-column NAME] [--param NAME=VALUE ...] [--metrics FILE] [--state FILE]",
  summary: "Score rollouts, in one batch or several in a row. SPEC is a .reward file or an artifact from `rewardc build`.",
  options: {
    in: { type: "string", value: "FILE", help: "rollouts: JSONL (one JSON object per line) or Arrow IPC (stream or file), columns named after the spec's inputs (- for stdin)" },
    out: { type: "string", short: "o", value: "FILE", help: "write scored rows here instead of stdout (written only if every batch succeeds)" },
    format: { type: "string", value: "jsonl|arrow", help: "format of --in (default: from its extension, .jsonl/.ndjson or .arrow/.arrows/.feather/.ipc; else from its first bytes)" },
    "out-format": { type: "string", value: "jsonl|arrow", help: "format of the scored rows (default: from the extension of --out, else the input's format)" },
    "batch-size": { type: "string", value: "N", help: "score the rows as consecutive batches of N rows, carrying state from batch to batch" },
    "step-column": { type: "string", value: "NAME", help: "score each run of rows with the same value of column NAME as one batch, carrying state from batch to batch" },
    param: { type: "string", multiple: true, value: "NAME=VALUE", help: "override a param for this run" },
    metrics: { type: "string", value: "FILE", help: "write the metrics as JSON to FILE, one line per batch when there are several (default: print them to stderr)" },
    state: { type: "string", value: "FILE", help: "load state from FILE if it exists, and save the updated state to it after the last batch" },
    backend: { type: "string", value: "auto|cpu|webgpu", help: "where to score: WebGPU when an adapter exists, else the CPU (auto, the default); or force one" },
    overwrite: { type: "boolean", help: "allow output fields (reward, advantage, keep, weight) to replace fields of the same name in the rows" },
  },
  details: [
    "Each output row is the input row as written with the outputs appended: reward, advantage (a number, or",
    "an array for per-token advantages), keep, weight. Rows come back in input order. Floats are float32,",
    "printed with the fewest digits that read back to the same float32; NaN and infinities print as null",
    "and are counted on stderr. A row that repeats a field is rejected.",
    "",
    "Arrow output is the input's columns followed by one column per output (Float32; Bool for keep;",
    "List<Float32> for per-token advantages), with the metrics as JSON in the schema metadata",
    "`rewardc.metrics`. From JSONL input, Arrow output holds the spec's columns (group key, inputs).",
    "See docs/io.md for the type mapping.",
    "",
    "Several batches (--batch-size or --step-column) are scored in input order, each seeing the state the",
    "previous one left, exactly as separate runs with --state would. Metrics are one JSON line per batch,",
    "{\"step\": k, ...}, k counting the batches scored (a restored state's included). --batch-size must not",
    "split a group between two batches; the rows of one step must be contiguous.",
    "",
    "--param values are decimal numbers (0.5, -2, 1e-6), inf, -inf, true or false.",
    "",
    "Exit codes: 0 scored; 1 the spec has errors; 2 bad input rows, params, state or usage.",
  ].join("\n"),
};
