/** The runtime behind generated bindings, in process: what it checks before scoring and how it shapes results. */
import { afterAll, describe, expect, it } from "vitest";
import { artifactChecksum, BINDINGS_LAYOUT, openTypedScorer, type EmbeddedSpec } from "../../src/bindings/scorer.js";
import { ARTIFACT_VERSION, parseArtifact, serializeArtifact } from "../../src/runtime/artifact.js";
import { RuntimeInputError } from "../../src/runtime/errors.js";
import { releaseGpu } from "../../src/runtime/webgpu/device.js";
import { compileOk } from "../support.js";

afterAll(releaseGpu);

const SPEC = `reward flags
group by prompt
input ok : bool
input steps : float[steps]
param strict : bool = false
state seen : bool = false
state total : int = 0
reward = if strict and not ok then 0.0 else sum(steps)
advantage = steps - mean(steps)
keep = ok
update seen = true
update total = total + batch.count(ok)
metric ok_rate = batch.mean(ok)
`;

function embed(text: string, overrides: Partial<EmbeddedSpec> = {}): EmbeddedSpec {
  return { spec: "flags", layout: BINDINGS_LAYOUT, artifact: text, checksum: artifactChecksum(text), ...overrides };
}

const artifact = serializeArtifact(compileOk(SPEC));

describe("openTypedScorer", () => {
  it("types bools as true/false in params and state, and returns the offsets element outputs run along", async () => {
    const scorer = await openTypedScorer<unknown, unknown, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>(embed(artifact), { backend: "cpu", params: { strict: true } });
    expect(scorer.params()).toEqual({ strict: true });
    expect(scorer.state()).toEqual({ seen: false, total: 0 });
    const offsets = new Int32Array([0, 2, 3]);
    const { outputs, metrics } = await scorer.score({ prompt: ["a", "a"], ok: new Uint8Array([1, 0]), steps: { offsets, steps: new Float32Array([1, 2, 4]) } });
    expect(outputs.reward).toEqual(new Float32Array([3, 0]));
    expect(outputs.keep).toEqual(new Uint8Array([1, 0]));
    expect((outputs.offsets as Record<string, unknown>).steps).toBe(offsets);
    expect(metrics).toEqual({ ok_rate: 0.5 });
    expect(scorer.state()).toEqual({ seen: true, total: 1 });
    expect(scorer.step).toBe(1);
    expect(scorer.backend).toBe("cpu");
    scorer.close();
  });

  it("uses the key column as the group keys when the group key is also an input, and works without groups", async () => {
    const keyed = serializeArtifact(compileOk("reward k\ngroup by prompt\ninput prompt : int\ninput x : float\nreward = x - group.mean(x)\nkeep = group.max(x) > 1.0\n"));
    const scorer = await openTypedScorer<unknown, unknown, Record<string, Float32Array | Uint8Array>, unknown, unknown, unknown>(embed(keyed, { spec: "k" }), { backend: "cpu" });
    const { outputs } = await scorer.score({ prompt: new Int32Array([7, 8, 7]), x: new Float32Array([1, 5, 3]) });
    expect(outputs.reward).toEqual(new Float32Array([-1, 0, 1]));
    expect(outputs.keep).toEqual(new Uint8Array([1, 1, 1]));
    const plain = serializeArtifact(compileOk("reward p\ninput x : float\nreward = x - batch.mean(x)\n"));
    const ungrouped = await openTypedScorer<unknown, unknown, Record<string, Float32Array>, unknown, unknown, unknown>(embed(plain, { spec: "p" }), { backend: "cpu" });
    expect((await ungrouped.score({ x: new Float32Array([1, 3]) })).outputs.reward).toEqual(new Float32Array([-1, 1]));
  });

  it("scores on the backend `auto` picks exactly as on the CPU", async () => {
    const inputs = { prompt: ["a", "a", "b"], ok: new Uint8Array([1, 0, 1]), steps: { offsets: new Int32Array([0, 2, 3, 3]), steps: new Float32Array([1, 2, 4]) } };
    type Out = Record<string, unknown>;
    const auto = await openTypedScorer<unknown, unknown, Out, Out, Out, Out>(embed(artifact), { backend: "auto" });
    const cpu = await openTypedScorer<unknown, unknown, Out, Out, Out, Out>(embed(artifact), { backend: "cpu" });
    const [a, c] = [await auto.score(inputs), await cpu.score(inputs)];
    expect(a.outputs.reward).toEqual(c.outputs.reward);
    expect(a.outputs.advantage).toEqual(c.outputs.advantage);
    expect(a.metrics).toEqual(c.metrics);
    expect(auto.state()).toEqual(cpu.state());
    auto.close();
  });

  it("reports every missing or malformed field of typed inputs together", async () => {
    const scorer = await openTypedScorer(embed(artifact), { backend: "cpu" });
    await expect(scorer.score({ prompt: ["a"], steps: { steps: new Float32Array([1]) } })).rejects.toThrow(
      "invalid batch:\n  offsets for axis `steps` are missing\n  column `ok` is missing",
    );
    await expect(scorer.score({ prompt: ["a"], ok: new Uint8Array([1]), steps: [1] })).rejects.toThrow("`steps` must be an object holding `offsets` and the inputs along axis `steps`, found an array");
    await expect(scorer.score(null)).rejects.toThrow("the inputs must be an object, found null");
  });

  it("reports bad rows by 1-based row number and field", async () => {
    const scorer = await openTypedScorer(embed(artifact), { backend: "cpu" });
    await expect(scorer.scoreRows([{ prompt: "a", ok: true, steps: [1] }, { prompt: "a", ok: 1, steps: [] }])).rejects.toThrow("invalid rows (numbered from 1):\nrow 2: field `ok`: expected bool, found 1");
  });

  it("refuses bindings of another layout, edited ones, and artifacts of another version, saying to regenerate", async () => {
    const fail = (spec: EmbeddedSpec): Promise<unknown> => openTypedScorer(spec, { backend: "cpu" });
    await expect(fail(embed(artifact, { layout: BINDINGS_LAYOUT + 1 }))).rejects.toThrow(`the bindings of spec \`flags\` use layout ${BINDINGS_LAYOUT + 1}; this rewardc reads layout ${BINDINGS_LAYOUT}: regenerate them with \`rewardc build SPEC --emit ts\``);
    const edited = artifact.replace('"default":0', '"default":1');
    await expect(fail({ ...embed(artifact), artifact: edited })).rejects.toThrow(/the bindings of spec `flags` were edited after generation \(checksum [0-9a-f]{8}, expected [0-9a-f]{8}\)/);
    const future = artifact.replace(`"version":${ARTIFACT_VERSION}`, `"version":${ARTIFACT_VERSION + 1}`);
    await expect(fail(embed(future))).rejects.toThrow(`the bindings of spec \`flags\` is a version ${ARTIFACT_VERSION + 1} artifact; this rewardc reads version ${ARTIFACT_VERSION}: rebuild it`);
    await expect(fail(embed(future))).rejects.toBeInstanceOf(RuntimeInputError);
  });
});

describe("parseArtifact", () => {
  it("round-trips serializeArtifact, numbers JSON cannot hold included", () => {
    const module = compileOk("reward r\ninput x : float\nparam cap : float = inf\nreward = min(x, cap)\n");
    expect(parseArtifact(serializeArtifact(module)).params[0]!.default).toBe(Infinity);
  });

  it("names what it reads in every message", () => {
    expect(() => parseArtifact("{", "`a.json`")).toThrow(/^cannot read artifact `a.json`: /);
    expect(() => parseArtifact("[]", "`a.json`")).toThrow("`a.json` is not a rewardc artifact");
    expect(() => parseArtifact(`{"format":"rewardc-module","version":${ARTIFACT_VERSION},"module":{"name":"x"}}`, "`a.json`")).toThrow("`a.json` is damaged: ");
  });
});
