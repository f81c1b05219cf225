/**
 * How a spec's inputs are laid out in the objects typed bindings take, shared by the generator (`emitTs.ts`)
 * and the runtime behind the generated code (`scorer.ts`), so the two cannot disagree:
 *
 *   - the group key: `prompt: readonly (string | number)[]`, or the int column itself when the key is also an
 *     input (it is then used both ways, without a copy);
 *   - a scalar input: one typed array, one value per rollout; a fixed-width input (`float[3]`): one flat typed
 *     array of width * rollouts values;
 *   - a ragged axis: one object named after the axis, holding its `offsets` (rollouts + 1 entries) and every
 *     input along it: `tokens: { offsets: Int32Array; entropy: Float32Array }`. One offsets array per axis is
 *     how `batchFromColumns` takes them, and it makes "every input along an axis has the same lengths" a fact
 *     of the shape, not a runtime check;
 *   - a `string` input: `readonly string[]`; derived inputs (computed from strings on the host) never appear.
 *
 * Two things would share a field name (an input named like a ragged axis or like the group key, an input named
 * `offsets` along a ragged axis): such a spec has no bindings, and `bindingLayout` says which names clash.
 */
import type { InputDecl, IrModule } from "../compiler/ir.js";
import { findAxis } from "../runtime/batch.js";

export interface BindingLayout {
  /** The group key, null without `group by`; `input` is its declaration when the key is also an input. */
  groupKey: { name: string; input: InputDecl | null } | null;
  /** Inputs with one value per rollout, in declaration order. */
  scalars: InputDecl[];
  /** Fixed-width inputs with their width. */
  fixed: { decl: InputDecl; width: number }[];
  /** Ragged axes that have inputs, in order of first use, each with its inputs. */
  ragged: { axis: string; inputs: InputDecl[] }[];
  /** `string` inputs. */
  texts: string[];
  /** Axis name -> the output names that hold one value per element of it. */
  elementOutputs: Map<string, string[]>;
}

/** The name every ragged axis object gives its offsets. */
export const OFFSETS_FIELD = "offsets";

export class BindingLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BindingLayoutError";
  }
}

export function bindingLayout(module: IrModule): BindingLayout {
  const scalars: InputDecl[] = [];
  const fixed: { decl: InputDecl; width: number }[] = [];
  const ragged = new Map<string, InputDecl[]>();
  let keyInput: InputDecl | null = null;
  for (const decl of module.inputs) {
    if (decl.feature !== undefined) continue;
    if (decl.name === module.groupKey) keyInput = decl;
    if (decl.axis === null) {
      scalars.push(decl);
      continue;
    }
    const axis = findAxis(module, decl.axis);
    if (axis.kind === "fixed") fixed.push({ decl, width: axis.width ?? 0 });
    else ragged.set(axis.name, [...(ragged.get(axis.name) ?? []), decl]);
  }
  const texts = (module.texts ?? []).map((t) => t.name);

  const clashes: string[] = [];
  const owners = new Map<string, string>();
  const claim = (name: string, owner: string): void => {
    const other = owners.get(name);
    if (other !== undefined) clashes.push(`\`${name}\` is both ${other} and ${owner}`);
    else owners.set(name, owner);
  };
  if (module.groupKey !== null && keyInput === null) claim(module.groupKey, "the group key");
  for (const d of scalars) claim(d.name, "an input");
  for (const { decl } of fixed) claim(decl.name, "an input");
  for (const t of texts) claim(t, "a string input");
  for (const [axis, inputs] of ragged) {
    claim(axis, "a ragged axis");
    for (const d of inputs) if (d.name === OFFSETS_FIELD) clashes.push(`the input \`${d.name}\` along axis \`${axis}\` has the name the axis's offsets have in bindings`);
  }
  if (clashes.length > 0) throw new BindingLayoutError(`this spec has no TypeScript bindings: ${clashes.join("; ")}; rename one of them`);

  const elementOutputs = new Map<string, string[]>();
  for (const out of module.outputs) {
    const level = module.nodes[out.node]?.level;
    if (level?.kind === "element") elementOutputs.set(level.axis, [...(elementOutputs.get(level.axis) ?? []), out.name]);
  }
  return {
    groupKey: module.groupKey === null ? null : { name: module.groupKey, input: keyInput },
    scalars,
    fixed,
    ragged: [...ragged].map(([axis, inputs]) => ({ axis, inputs })),
    texts,
    elementOutputs,
  };
}
