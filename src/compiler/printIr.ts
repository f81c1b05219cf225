/** Text form of the IR for `rewardc build --dump=ir` and snapshot tests. */
import { shortestF32 } from "../util/numbers.js";
import type { IrModule, Node, Scalar } from "./ir.js";
import { printFeature } from "./text.js";

const num = (x: number, type: Scalar): string => (Object.is(x, -0) ? "-0" : String(type === "f32" ? shortestF32(x) : x));

export function printIr(module: IrModule): string {
  const lines: string[] = [`module ${module.name}`];
  if (module.groupKey) lines.push(`group by ${module.groupKey}`);
  for (const a of module.axes) lines.push(`axis ${a.name} ${a.kind}${a.width !== undefined ? ` ${a.width}` : ""}`);
  for (const t of module.texts ?? []) lines.push(`input ${t.name}: string`);
  for (const i of module.inputs) {
    lines.push(`input ${i.name}: ${i.type}${i.axis ? `[${i.axis}]` : ""}${i.range ? ` in ${i.range[0]}..${i.range[1]}` : ""}${i.feature ? ` = ${printFeature(i.feature)}` : ""}`);
  }
  for (const p of module.params) lines.push(`param ${p.name}: ${p.type} = ${num(p.default, p.type)}${p.range ? ` in ${p.range[0]}..${p.range[1]}` : ""}`);
  for (const s of module.states) lines.push(`state ${s.name}: ${s.type} = ${num(s.initial, s.type)}${s.update !== null ? ` update %${s.update}` : ""}`);
  for (const node of module.nodes) lines.push(`%${node.id} = ${describeNode(node)} : ${node.type} @${node.level.kind === "element" ? `element(${node.level.axis})` : node.level.kind}`);
  for (const o of module.outputs) lines.push(`output ${o.name} = %${o.node}`);
  for (const m of module.metrics) lines.push(`metric ${m.name} = %${m.node}`);
  for (const c of module.checks ?? []) lines.push(`check ${c.property} ${c.role}${c.role === "expect" ? "" : ` ${c.name}`} = %${c.node}`);
  for (const p of module.properties ?? []) {
    const law = p.law ? ` law(${p.law.inputs.map((i) => i.name).join(", ")})` : "";
    lines.push(`property ${p.name}: ${p.kind}${p.pair ? ` ${p.pair.a}, ${p.pair.b}${p.pair.differ.length ? ` differ in ${p.pair.differ.join(", ")}` : ""}` : ""}${law}`);
  }
  return lines.join("\n") + "\n";
}

function describeNode(node: Node): string {
  const args = node.args.map((a) => `%${a}`).join(", ");
  switch (node.op) {
    case "const":
      return `const ${num(node.value, node.type)}`;
    case "input":
    case "param":
    case "state":
      return `${node.op} ${node.name}`;
    case "unary":
    case "binary":
    case "math":
      return `${node.fn}(${args})`;
    case "axis_reduce":
      return `axis_reduce.${node.fn}${node.ddof ? `[ddof=${node.ddof}]` : ""}${node.masked ? "[masked]" : ""}<${node.axis}>(${args})`;
    case "axis_scan":
      return `axis_scan.${node.fn}<${node.axis}>(${args})`;
    case "axis_shift":
      return `axis_shift.${node.dir}<${node.axis}>(${args})`;
    case "axis_index":
    case "axis_at":
    case "axis_distinct":
      return `${node.op}<${node.axis}>(${args})`;
    case "group_reduce":
    case "batch_reduce":
      return `${node.op}.${node.fn}${node.ddof ? `[ddof=${node.ddof}]` : ""}${node.masked ? "[masked]" : ""}(${args})`;
    case "group_map":
      return `group_map.${node.fn}${node.ddof ? `[ddof=${node.ddof}]` : ""}(${args})`;
    default:
      return `${node.op}(${args})`;
  }
}
