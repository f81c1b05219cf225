/**
 * Check: types and levels. Walks a resolved spec, reports every type and level error it can find in one
 * run, and emits the IR through `IrBuilder` as it goes, so what was checked is exactly what runs.
 *
 * User functions are checked per call, with the argument values bound to the parameters (they are
 * inlined): a function is generic in levels, and an error inside one names the call that caused it.
 * An expression that failed to check yields `null`; callers propagate it without reporting again, so one
 * mistake gives one diagnostic.
 */
import { error, warning, type Diagnostic, type Label, type Span } from "../diagnostics/diagnostic.js";
import type { BinaryExpr, CallExpr, Expr, FnItem, Ident, InputItem, MatchExpr, NameExpr, ParamItem, PropertyItem, RangeExpr, StringLit, TypeExpr, UnaryExpr, LetItem, OutputItem, NamedArg } from "../parser/ast.js";
import { CASTS, CONSTANTS, ELEMENTWISE_BY_NAME, STD_CONVENTIONS, STRUCTURED_BUILTINS, reductionType, type ElementwiseBuiltin, type StructuredBuiltin } from "./builtins.js";
import { didYouMean } from "./didYouMean.js";
import { printExpr } from "../parser/printer.js";
import { evaluateConstant } from "./evaluateConstant.js";
import { INT32_MAX, INT32_MIN, LEVEL_RANK, isUniform, type Axis, type BinaryFn, type CheckDecl, type InputDecl, type IrModule, type LawInput, type Level, type OutputDecl, type ParamDecl, type PropertyDecl, type PropertySettings, type Scalar, type StateDecl, type TextExpr, type TextFeature, type TextInputDecl } from "./ir.js";
import { IrBuilder, type Value } from "./lower.js";
import { STD_ALIAS, type Scope } from "./resolve.js";
import { TEXT_FUNCTIONS, TEXT_NAMESPACE, decodeString, derivedInput, featureKey, flagsError, patternSource, regexError, type TextFunction } from "./text.js";

type Checked = Value | null;

interface CallFrame {
  fn: FnItem;
  callSpan: Span;
  callFile: string;
}

interface Env {
  scope: Scope;
  /** Parameters of the function being inlined; null at the top level of a spec. */
  locals: Map<string, Value> | null;
  frames: CallFrame[];
  /** Set while checking the law of a pair or transform property: names become inputs of the law's module. */
  lift?: Lift;
}

/** The state of checking one pair or transform law (see `liftName`). */
interface Lift {
  mode: "pair" | "prime";
  property: string;
  a: string;
  b: string;
  /** The spec's builder (the law's expressions go to a builder of their own). */
  main: IrBuilder;
  /** Index in `checks` of a probe of the spec value `name`. */
  probe: (name: string, value: Value) => number;
  inputs: Map<string, { decl: InputDecl; input: LawInput }>;
  axes: Map<string, Axis>;
  mentions: Set<string>;
}

/**
 * Diagnostics that hold whatever a function is called with: unknown names and functions, wrong argument
 * counts or names, reserved names, recursion. Types and levels depend on the arguments.
 */
const ARGUMENT_INDEPENDENT_CODES: ReadonlySet<string> = new Set(["R0101", "R0103", "R0104", "R0106", "R0107", "R0108", "R0215"]);

const CONST: Level = { kind: "const" };
const ROLLOUT: Level = { kind: "rollout" };

export function check(scope: Scope): { module: IrModule | null; diagnostics: Diagnostic[] } {
  const checker = new Checker(scope);
  try {
    return checker.run();
  } catch (e) {
    // Each expression is within the parser's depth limit, but calls are inlined and `let`s followed where they
    // are used, so long chains of them can still nest deeper than the stack allows.
    if (!(e instanceof RangeError)) throw e;
    return { module: null, diagnostics: [...checker.reported(), checker.tooDeeplyNested()] };
  }
}

class Checker {
  private b = new IrBuilder();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly axes = new Map<string, Axis>();
  private readonly inputLevels = new Map<string, { type: Scalar; level: Level }>();
  /** Declared params, for rules that read a param's range (the window length of `distinct_ngrams`). */
  private paramDecls: ParamDecl[] = [];
  private readonly usedInputs = new Set<string>();
  /** The `string` inputs: read only by text features, never by a node. */
  private readonly textInputs = new Set<string>();
  /** The derived inputs, by feature key (see `derived`), in order of first use. */
  private readonly features = new Map<string, InputDecl>();
  /** The string value of each `let` holding one, inlined wherever it is used; null after an error. */
  private readonly textLets = new Map<LetItem, TextExpr | null | "pending">();
  private readonly memo = new Map<LetItem | OutputItem, Checked | "pending">();
  private readonly calledFns = new Set<FnItem>();
  /** Calls into a library already reported as failing: one diagnostic per call is enough. */
  private readonly failedLibraryCalls = new Set<Span>();
  /** The item's expression `run` is checking: where a run cut short by the stack points. */
  private outermost: Expr | null = null;
  /** Code and primary span of every warning already reported (see `warn`). */
  private readonly warned = new Set<string>();
  private readonly top: Env;

  constructor(private readonly scope: Scope) {
    this.top = { scope, locals: null, frames: [] };
  }

  run(): { module: IrModule | null; diagnostics: Diagnostic[] } {
    const scope = this.scope;
    const { inputs, texts } = this.declareInputs();
    this.checkGroupKeyType();
    this.checkFnParamTypes();
    const params = this.declareParams();
    this.paramDecls = params;
    const states = this.declareStates();

    for (const item of scope.values.values()) {
      if (item.kind !== "Let") continue;
      this.outermost = item.value;
      if (this.letIsText(item)) this.textLet(item);
      else this.checkLet(item, this.top);
    }

    const outputs: OutputDecl[] = [];
    const rewardItem = scope.outputs.get("reward");
    if (!rewardItem) {
      const at = scope.program.header?.span ?? { file: scope.file, start: 0, end: 0 };
      this.diagnostics.push(
        error("R0208", "this spec has no `reward`", at, "a spec must define `reward`", { help: "add a line such as `reward = if correct then 1.0 else 0.0`" }),
      );
    }
    for (const item of scope.outputs.values()) {
      this.outermost = item.value;
      const value = this.checkOutput(item, this.top);
      if (value) outputs.push({ name: item.target.name, node: value.id });
    }

    const metrics: OutputDecl[] = [];
    for (const item of scope.metrics.values()) {
      this.outermost = item.value;
      const value = this.checkExpr(item.value, this.top);
      if (!value) continue;
      if (!isUniform(value.level)) {
        this.levelError("R0205", `a metric is one number per batch, but this value is ${levelPhrase(value.level)}`, item.value, value.level, `reduce it over the batch, e.g. \`batch.mean(...)\``);
        continue;
      }
      metrics.push({ name: item.name.name, node: this.toNumeric(value, item.value.span).id });
    }

    for (const item of scope.updates.values()) {
      const state = states.find((s) => s.name === item.name.name);
      if (!state) {
        const known = states.map((s) => s.name);
        this.diagnostics.push(error("R0211", `no state named \`${item.name.name}\``, item.name.span, "not declared with `state`", { help: hint(didYouMean(item.name.name, known)) ?? "declare it first: `state NAME : float = 0.0`" }));
        continue;
      }
      this.outermost = item.value;
      const value = this.checkExpr(item.value, this.top);
      if (!value) continue;
      if (!isUniform(value.level)) {
        this.levelError("R0211", `a state update is one value per batch, but this value is ${levelPhrase(value.level)}`, item.value, value.level, "reduce it over the batch, e.g. `batch.mean(...)`");
        continue;
      }
      const converted = this.convertTo(value, state.type, item.value, `state \`${state.name}\``);
      if (converted) state.update = converted.id;
    }

    const checks: CheckDecl[] = [];
    const properties: PropertyDecl[] = [];
    for (const item of scope.properties.values()) {
      const decl = this.checkProperty(item, checks);
      if (decl) properties.push(decl);
    }

    this.checkUncalledFunctions();
    // After an error, an input can look unused only because the expression using it failed to check.
    const errorsSoFar = this.diagnostics.some((d) => d.severity === "error");
    for (const input of errorsSoFar ? [] : scope.values.values()) {
      if (input.kind === "Input" && !this.usedInputs.has(input.name.name) && input.name.name !== scope.groupBy?.key.name) {
        this.warn(warning("W0301", `input \`${input.name.name}\` is never used`, input.name.span, "declared here", { help: "remove it, or use it in the reward" }));
      }
    }

    const failed = this.diagnostics.some((d) => d.severity === "error");
    const module: IrModule = {
      name: scope.program.header?.name ?? "spec",
      groupKey: scope.groupBy?.key.name ?? null,
      axes: [...this.axes.values()],
      inputs: [...inputs, ...this.features.values()],
      texts,
      params,
      states,
      nodes: this.b.nodes,
      spans: this.b.spans,
      outputs,
      metrics,
      ...(scope.properties.size > 0 ? { checks, properties } : {}),
    };
    return { module: failed ? null : module, diagnostics: this.diagnostics };
  }

  /** The diagnostics so far, for a run cut short. */
  reported(): Diagnostic[] {
    return this.diagnostics;
  }

  /** The diagnostic for a run cut short by the stack, at the top-level expression being checked. */
  tooDeeplyNested(): Diagnostic {
    const span = this.outermost?.span ?? this.scope.program.span;
    return error("R0002", "expression nested too deeply once functions and `let`s are expanded", span, "too deep to check", {
      help: "shorten chains of functions calling functions, or of `let`s defined from the next one",
    });
  }

  // ---------------------------------------------------------------- declarations

  private declareInputs(): { inputs: InputDecl[]; texts: TextInputDecl[] } {
    const decls: InputDecl[] = [];
    const texts: TextInputDecl[] = [];
    for (const item of this.scope.values.values()) {
      if (item.kind !== "Input") continue;
      if (item.type.scalar === "string") {
        this.textInputs.add(item.name.name);
        texts.push({ name: item.name.name });
        if (item.type.shape) {
          this.diagnostics.push(error("R0214", "a string input is one string per rollout", item.type.span, "arrays of strings are not supported", { help: `write \`input ${item.name.name} : string\`` }));
        }
        if (item.range) this.diagnostics.push(error("R0209", "a string has no range", item.range.span, "remove this range"));
        continue;
      }
      const type = scalarOf(item.type);
      let level: Level = ROLLOUT;
      let axis: string | null = null;
      const shape = item.type.shape;
      if (shape) {
        axis = shape.kind === "ragged" ? shape.axis.name : `[${shape.width}]`;
        const existing = this.axes.get(axis);
        if (!existing) this.axes.set(axis, shape.kind === "ragged" ? { name: axis, kind: "ragged" } : { name: axis, kind: "fixed", width: shape.width });
        if (shape.kind === "fixed" && shape.width < 1) this.diagnostics.push(error("R0209", "a fixed-width array needs at least one element", shape.span, "width 0"));
        level = { kind: "element", axis };
      }
      const range = this.checkRange(item.range, type, item);
      this.inputLevels.set(item.name.name, { type, level });
      decls.push({ name: item.name.name, type, axis, range });
    }
    return { inputs: decls, texts };
  }

  /** Strings never reach a kernel, so nothing but an input can be declared `string`. */
  private notString(type: TypeExpr, what: string): boolean {
    if (type.scalar !== "string") return true;
    this.diagnostics.push(
      error("R0214", `${what} cannot be a string`, type.span, "only inputs can be strings", {
        help: "strings are read on the host by `text.*` functions; declare `input NAME : string` and compute a number from it",
      }),
    );
    return false;
  }

  private checkFnParamTypes(): void {
    for (const fn of this.scope.fns.values()) {
      for (const p of fn.params) if (p.type) this.notString(p.type, `parameter \`${p.name.name}\` of \`${fn.name.name}\``);
    }
  }

  /**
   * A row's group key is a string or a number; when the key is also declared as an input, the same field
   * must pass that declaration too, which only an int can do for every key (a bool or an array never can).
   */
  private checkGroupKeyType(): void {
    const key = this.scope.groupBy?.key;
    const input = key ? this.scope.values.get(key.name) : undefined;
    if (!key || input?.kind !== "Input" || (input.type.scalar === "int" && !input.type.shape)) return;
    this.diagnostics.push(
      error("R0201", `the group key \`${key.name}\` is declared as an input of type \`${typeText(input.type)}\``, input.type.span, "a group key declared as an input must be `int`", {
        labels: [
          { span: input.type.span, message: "a group key declared as an input must be `int`", primary: true },
          { span: key.span, message: "used as the group key here", primary: false },
        ],
        help: `group keys are ints, or strings and numbers left undeclared: declare \`input ${key.name} : int\`, or remove the declaration`,
      }),
    );
  }

  private checkRange(range: RangeExpr | null, type: Scalar, item: InputItem | ParamItem): [number, number] | null {
    if (!range) return null;
    if (type === "bool") {
      this.diagnostics.push(error("R0209", "a bool has no range", range.span, "remove this range"));
      return null;
    }
    if (range.lo > range.hi) {
      this.diagnostics.push(error("R0209", `empty range: ${range.loRaw} is greater than ${range.hiRaw}`, range.span, "lower bound first", { help: `write \`in ${range.hiRaw}..${range.loRaw}\`` }));
      return null;
    }
    if (type === "i32" && (!Number.isInteger(range.lo) || !Number.isInteger(range.hi))) {
      this.diagnostics.push(error("R0209", `the range of int ${item.kind === "Input" ? "input" : "param"} \`${item.name.name}\` has a fractional bound`, range.span, "int bounds must be whole numbers"));
      return null;
    }
    return [range.lo, range.hi];
  }

  private declareParams(): ParamDecl[] {
    const decls: ParamDecl[] = [];
    for (const item of this.scope.values.values()) {
      if (item.kind !== "Param") continue;
      if (!this.notString(item.type, "a param")) continue;
      const type = scalarOf(item.type);
      if (item.type.shape) {
        this.diagnostics.push(error("R0201", "a param is a single value", item.type.span, "arrays are not allowed here"));
        continue;
      }
      const range = this.checkRange(item.range, type, item);
      const initial = this.constantValue(item.value, type, `param \`${item.name.name}\``);
      if (initial === null) continue;
      if (range && (initial < range[0] || initial > range[1])) {
        this.diagnostics.push(
          error("R0209", `the default of \`${item.name.name}\` lies outside its range`, item.value.span, `${formatNumber(initial)} is not in ${range[0]}..${range[1]}`),
        );
        continue;
      }
      decls.push({ name: item.name.name, type, default: initial, range });
    }
    return decls;
  }

  private declareStates(): StateDecl[] {
    const decls: StateDecl[] = [];
    for (const item of this.scope.values.values()) {
      if (item.kind !== "State") continue;
      if (!this.notString(item.type, "a state variable")) continue;
      const type = scalarOf(item.type);
      if (item.type.shape) {
        this.diagnostics.push(error("R0201", "a state variable is a single value", item.type.span, "arrays are not allowed here"));
        continue;
      }
      const initial = this.constantValue(item.value, type, `state \`${item.name.name}\``);
      if (initial !== null) decls.push({ name: item.name.name, type, initial, update: null });
    }
    return decls;
  }

  /** Checks an expression that must be a compile-time constant and returns its value in `type`. */
  private constantValue(expr: Expr, type: Scalar, what: string): number | null {
    this.outermost = expr;
    const value = this.checkExpr(expr, this.top);
    if (!value) return null;
    if (value.level.kind !== "const") {
      this.diagnostics.push(error("R0212", `the initial value of ${what} must be a constant`, expr.span, `this is ${levelPhrase(value.level)}`));
      return null;
    }
    const converted = this.convertTo(value, type, expr, what);
    return converted ? evaluateConstant(this.b.nodes, converted.id) : null;
  }

  // ---------------------------------------------------------------- items

  private checkLet(item: LetItem, env: Env): Checked {
    return this.memoized(item, item.name, () => this.checkExpr(item.value, { ...env, locals: null, frames: [] }));
  }

  private checkOutput(item: OutputItem, env: Env): Checked {
    return this.memoized(item, item.target, () => {
      const value = this.checkExpr(item.value, { ...env, locals: null, frames: [] });
      if (!value) return null;
      const name = item.target.name;
      const maxLevel = name === "advantage" ? null : ROLLOUT;
      if (maxLevel && LEVEL_RANK[value.level.kind] > LEVEL_RANK.rollout) {
        this.levelError("R0205", `\`${name}\` is one value per rollout, but this value is ${levelPhrase(value.level)}`, item.value, value.level, `reduce it first, e.g. \`sum(...)\` or \`mean(...)\``);
        return null;
      }
      if (name === "keep") {
        if (value.type !== "bool") {
          this.diagnostics.push(error("R0205", "`keep` is a bool per rollout", item.value.span, `this is ${typeName(value.type)}`, { help: "write a condition, e.g. `keep = group.std(reward, population) > 0.0`" }));
          return null;
        }
        return value;
      }
      if (value.type === "bool") {
        this.diagnostics.push(error("R0205", `\`${name}\` must be a number`, item.value.span, "this is a bool", { help: "convert it with `float(...)`" }));
        return null;
      }
      return this.convert(value, "f32", item.value.span);
    });
  }

  private memoized(item: LetItem | OutputItem, name: Ident, compute: () => Checked): Checked {
    const cached = this.memo.get(item);
    if (cached === "pending") {
      this.diagnostics.push(error("R0106", `\`${name.name}\` is defined in terms of itself`, name.span, "this definition depends on its own value", { help: "a spec is a set of equations without cycles; use `state` to carry a value from one batch to the next" }));
      this.memo.set(item, null);
      return null;
    }
    if (cached !== undefined) return cached;
    this.memo.set(item, "pending");
    const value = compute();
    this.memo.set(item, value);
    return value;
  }

  /**
   * A function nobody calls is still checked once, so a misspelt name shows before the first call. Its
   * parameters are bound to stand-in rollout-level values, which say nothing about the arguments a real call
   * would pass: only the diagnostics that do not depend on them (names, arities) are kept, and the body's IR
   * goes to a scratch builder, never into the module.
   */
  private checkUncalledFunctions(): void {
    const moduleBuilder = this.b;
    const moduleFeatures = new Set(this.features.keys());
    this.b = new IrBuilder();
    try {
      for (const fn of this.scope.fns.values()) {
        if (this.calledFns.has(fn)) continue;
        const locals = new Map<string, Value>();
        for (const p of fn.params) {
          const type = p.type ? scalarOf(p.type) : "f32";
          locals.set(p.name.name, this.b.add({ op: "input", name: p.name.name }, type, ROLLOUT, [], p.span));
        }
        const reportedBefore = this.diagnostics.length;
        this.outermost = fn.body;
        this.checkExpr(fn.body, { scope: this.scope, locals, frames: [] });
        const found = this.diagnostics.splice(reportedBefore);
        this.diagnostics.push(...found.filter((d) => ARGUMENT_INDEPENDENT_CODES.has(d.code)));
      }
    } finally {
      this.b = moduleBuilder;
      for (const key of this.features.keys()) if (!moduleFeatures.has(key)) this.features.delete(key);
    }
  }

  // ---------------------------------------------------------------- properties

  private propertyError(message: string, span: Span, label: string, help?: string): void {
    this.diagnostics.push(error("R0213", message, span, label, help === undefined ? {} : { help }));
  }

  private checkProperty(item: PropertyItem, checks: CheckDecl[]): PropertyDecl | null {
    const property = item.name.name;
    const errorsBefore = this.errorCount();
    const settings = this.checkSettings(item);
    const probes = new Map<string, number>();
    const probe = (name: string, value: Value): number => {
      let index = probes.get(name);
      if (index === undefined) {
        index = checks.length;
        checks.push({ property, role: "probe", name, node: value.id });
        probes.set(name, index);
      }
      return index;
    };
    const law = item.law;
    const mentions = new Set<string>();
    const lift = (mode: Lift["mode"], a = "", b = ""): Lift => ({ mode, property, a, b, main: this.b, probe, inputs: new Map(), axes: new Map(), mentions });

    if (law.kind === "Expect") {
      this.outermost = law.expect;
      const value = this.checkExpr(law.expect, this.top);
      if (!value) return null;
      if (value.type !== "bool") {
        this.propertyError("the `expect` of a property must be a bool", law.expect.span, `this is ${typeName(value.type)}`, "write a condition, e.g. `expect reward <= 1.0`");
        return null;
      }
      checks.push({ property, role: "expect", name: property, node: value.id });
      for (const name of namesIn(law.expect)) {
        const value = this.scope.values.get(name);
        if (value?.kind !== "Let" && !this.scope.outputs.has(name as "reward")) continue;
        mentions.add(name);
        const checked = value?.kind === "Let" ? this.checkLet(value, this.top) : null;
        if (checked) probe(name, checked);
      }
      if (this.errorCount() > errorsBefore) return null;
      return { name: property, kind: "expect", settings, pair: null, law: null, mentions: [...mentions], text: printExpr(law.expect) };
    }

    if (law.kind === "Pair") {
      if (law.a.name === law.b.name) this.propertyError("the two rollouts of a pair need different names", law.b.span, "same name as the first", `e.g. \`pair a, b\``);
      for (const d of law.differ) this.needInput(d, "`differ in` names inputs");
      const context = lift("pair", law.a.name, law.b.name);
      const built = this.checkLaw(context, law.given, law.expect);
      if (!built || this.errorCount() > errorsBefore) return null;
      return { name: property, kind: "pair", settings, pair: { a: law.a.name, b: law.b.name, differ: law.differ.map((d) => d.name) }, law: built, mentions: [...mentions], text: printExpr(law.expect) };
    }

    const rewritten = new Set<string>();
    for (const t of law.transforms) {
      const target = this.needInput(t.input, "`transform` rewrites an input");
      if (!target) continue;
      if (target.type.scalar === "string") {
        this.propertyError(`\`${t.input.name}\` is a string input, which a \`transform\` cannot rewrite`, t.input.span, "a string input", "transforms rewrite number and bool inputs; to compare rollouts with different strings, use `pair a, b differ in ...`");
        continue;
      }
      if (rewritten.has(t.input.name)) {
        this.propertyError(`\`${t.input.name}\` is transformed twice`, t.input.span, "second transform", "combine them into one expression");
        continue;
      }
      rewritten.add(t.input.name);
      this.outermost = t.value;
      const value = this.checkExpr(t.value, this.top);
      if (!value) continue;
      const { type, level } = this.inputLevels.get(t.input.name)!;
      const tooFine = LEVEL_RANK[value.level.kind] > LEVEL_RANK[level.kind] || (value.level.kind === "element" && level.kind === "element" && value.level.axis !== level.axis);
      if (tooFine) {
        this.propertyError(`the new value of \`${t.input.name}\` must be ${levelPhrase(level)} at most, but this is ${levelPhrase(value.level)}`, t.value.span, `this is ${levelPhrase(value.level)}`);
        continue;
      }
      const converted = this.convertTo(value, type, t.value, `input \`${t.input.name}\``);
      if (converted) checks.push({ property, role: "transform", name: t.input.name, node: converted.id });
    }
    const built = this.checkLaw(lift("prime"), null, law.expect);
    if (!built || this.errorCount() > errorsBefore) return null;
    return { name: property, kind: "transform", settings, pair: null, law: built, mentions: [...mentions], text: printExpr(law.expect) };
  }

  private errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }

  /** The input named by `name` (not the group key), or null after reporting. */
  private needInput(name: Ident, what: string): InputItem | null {
    const item = this.scope.values.get(name.name);
    if (item?.kind !== "Input") {
      const inputs = [...this.scope.values.values()].filter((v) => v.kind === "Input").map((v) => v.name.name);
      this.propertyError(`${what}; \`${name.name}\` is not an input`, name.span, "not an input", hint(didYouMean(name.name, inputs)));
      return null;
    }
    if (name.name === this.scope.groupBy?.key.name) {
      this.propertyError(`${what} other than the group key`, name.span, "the group key", "the generator chooses group keys itself");
      return null;
    }
    return item;
  }

  /** Checks the `given` and `expect` of a pair or transform law into a module of their own (see `LawInput`). */
  private checkLaw(lift: Lift, given: Expr | null, expect: Expr): { module: IrModule; inputs: LawInput[] } | null {
    const main = this.b;
    const law = new IrBuilder();
    this.b = law;
    const env: Env = { scope: this.scope, locals: null, frames: [], lift };
    const roots: CheckDecl[] = [];
    try {
      for (const [role, e] of [["given", given], ["expect", expect]] as const) {
        if (!e) continue;
        this.outermost = e;
        const value = this.checkExpr(e, env);
        if (!value) continue;
        if (value.type !== "bool") {
          this.propertyError(`the \`${role}\` of a property must be a bool`, e.span, `this is ${typeName(value.type)}`);
          continue;
        }
        roots.push({ property: lift.property, role: "expect", name: role, node: value.id });
      }
    } finally {
      this.b = main;
    }
    if (roots.length !== (given ? 2 : 1)) return null;
    const inputs = [...lift.inputs.values()];
    const module: IrModule = {
      name: `${this.scope.program.header?.name ?? "spec"}.${lift.property}`,
      groupKey: lift.mode === "prime" ? (this.scope.groupBy?.key.name ?? null) : null,
      axes: [...lift.axes.values()],
      inputs: inputs.map((i) => i.decl),
      texts: [],
      params: [],
      states: [],
      nodes: law.nodes,
      spans: law.spans,
      outputs: [],
      metrics: [],
      checks: roots,
    };
    return { module, inputs: inputs.map((i) => i.input) };
  }

  /**
   * A name in a pair or transform law: the spec's value (checked in the spec's own module, and kept there as a
   * probe) becomes an input of the law's module, read from the scored batch. `a.x` / `b.x` are the pair's two
   * rollouts; `x'` is the value after the transforms. Uniform values (params, batch values) need no side.
   */
  private liftName(e: NameExpr, env: Env, lift: Lift): Checked {
    const name = e.name.name;
    let side: "a" | "b" | null = null;
    if (e.namespace) {
      const ns = e.namespace.name;
      if (lift.mode !== "pair" || (ns !== lift.a && ns !== lift.b)) {
        const help = lift.mode === "pair" ? `the rollouts of this pair are \`${lift.a}\` and \`${lift.b}\`: write \`${lift.a}.${name}\` or \`${lift.b}.${name}\`` : undefined;
        this.report(env, error("R0213", `\`${ns}.${name}\` is not a value here`, e.span, lift.mode === "pair" ? "not a rollout of the pair" : "not a value", help === undefined ? {} : { help }));
        return null;
      }
      side = ns === lift.a ? "a" : "b";
    }
    if (e.primed && lift.mode !== "prime") {
      this.report(env, error("R0213", `\`${name}'\` names a value after a transform`, e.span, "only in the `expect` of a `transform` property"));
      return null;
    }
    const own = this.scope.values.has(name) || this.scope.outputs.has(name as "reward");
    const constant = CONSTANTS.get(name);
    if (!own && constant !== undefined) return this.b.constant(constant, "f32", e.span);
    const law = this.b;
    this.b = lift.main;
    let value: Checked;
    try {
      value = this.checkName({ kind: "Name", namespace: null, name: e.name, span: e.span }, this.top);
    } finally {
      this.b = law;
    }
    if (!value) return null;
    if (value.level.kind === "const") return this.b.constant(evaluateConstant(lift.main.nodes, value.id), value.type, e.span);
    if (lift.mode === "pair" && side === null && !isUniform(value.level)) {
      this.report(env, error("R0213", `\`${name}\` is ${levelPhrase(value.level)}: say which rollout of the pair`, e.span, "which rollout?", { help: `write \`${lift.a}.${name}\` or \`${lift.b}.${name}\`` }));
      return null;
    }
    lift.mentions.add(name);
    const key = `${side === null ? "" : `${side === "a" ? lift.a : lift.b}.`}${name}${e.primed ? "'" : ""}`;
    let axis: string | null = null;
    if (value.level.kind === "element") {
      const source = this.axes.get(value.level.axis)!;
      // a's and b's ragged arrays have their own lengths; a fixed width is the same for both.
      axis = side === null || source.kind === "fixed" ? source.name : `${side === "a" ? lift.a : lift.b}.${source.name}`;
      if (!lift.axes.has(axis)) lift.axes.set(axis, { ...source, name: axis });
    }
    if (!lift.inputs.has(key)) {
      lift.inputs.set(key, {
        decl: { name: key, type: value.type, axis, range: null },
        input: { name: key, probe: lift.probe(name, value), run: e.primed ? 1 : 0, side },
      });
    }
    return this.b.add({ op: "input", name: key }, value.type, axis === null ? ROLLOUT : { kind: "element", axis }, [], e.span);
  }

  private checkSettings(item: PropertyItem): PropertySettings {
    const settings: PropertySettings = { groups: null, groupSize: null, lengths: {}, ranges: {}, fixed: {} };
    const seen = new Set<string>();
    const ragged = [...this.axes.values()].filter((a) => a.kind === "ragged").map((a) => a.name);
    const once = (key: string, span: Span): boolean => {
      if (seen.has(key)) {
        this.propertyError(`\`${key.replace(/^input /, "")}\` is set twice`, span, "set again here");
        return false;
      }
      seen.add(key);
      return true;
    };
    for (const s of item.settings) {
      if (s.kind === "Shape") {
        const what = s.group ? `group ${s.name.name}` : s.name.name;
        const known = s.group ? s.name.name === "size" : s.name.name === "groups" || s.name.name === "length" || ragged.includes(s.name.name);
        if (!known) {
          const input = this.scope.values.get(s.name.name)?.kind === "Input";
          const help = input
            ? `to set the values of input \`${s.name.name}\`, write \`${s.name.name} in LO..HI\` or \`${s.name.name} = VALUE\``
            : `settings are \`groups LO..HI\`, \`group size LO..HI\`, \`length LO..HI\` (every ragged array)${ragged.length ? `, \`${ragged[0]} LO..HI\` (one axis)` : ""}, \`INPUT in LO..HI\` and \`INPUT = VALUE\``;
          this.propertyError(`\`${what}\` is not a generator setting`, s.name.span, "unknown setting", help);
          continue;
        }
        const { lo, hi } = s.bounds;
        const least = s.group || s.name.name === "groups" ? 1 : 0;
        if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < least || lo > hi) {
          this.propertyError(`\`${what}\` takes whole numbers LO..HI with ${least} <= LO <= HI`, s.span, "invalid bounds");
          continue;
        }
        if (!once(what, s.span)) continue;
        if (s.group) settings.groupSize = [lo, hi];
        else if (s.name.name === "groups") settings.groups = [lo, hi];
        else settings.lengths[s.name.name === "length" ? "*" : s.name.name] = [lo, hi];
        continue;
      }
      const input = this.needInput(s.input, "a setting names an input");
      if (input?.type.scalar === "string") {
        this.propertyError(`the strings of \`${s.input.name}\` cannot be set`, s.span, "a string input", "the generator chooses strings itself; settings fix or bound number and bool inputs");
        continue;
      }
      if (!input || !once(`input ${s.input.name}`, s.span)) continue;
      const type = scalarOf(input.type);
      const declared = input.range ? [input.range.lo, input.range.hi] : null;
      if (s.kind === "InputRange") {
        const { lo, hi } = s.bounds;
        if (type === "bool") this.propertyError("a bool has no range", s.span, "fix it instead", `write \`${s.input.name} = true\` or \`${s.input.name} = false\``);
        else if (lo > hi || (type === "i32" && (!Number.isInteger(lo) || !Number.isInteger(hi)))) this.propertyError(`invalid range for \`${s.input.name}\``, s.span, type === "i32" ? "whole numbers, LO <= HI" : "LO <= HI");
        else if (declared && (lo < declared[0]! || hi > declared[1]!)) this.propertyError(`the range of \`${s.input.name}\` must lie within its declared range ${declared[0]}..${declared[1]}`, s.span, "outside the declared range");
        else settings.ranges[s.input.name] = [lo, hi];
        continue;
      }
      const value = this.constantValue(s.value, type, `the fixed value of \`${s.input.name}\``);
      if (value === null) continue;
      if (declared && (value < declared[0]! || value > declared[1]!)) {
        this.propertyError(`${formatNumber(value)} is outside the declared range of \`${s.input.name}\`, ${declared[0]}..${declared[1]}`, s.value.span, "outside the declared range");
        continue;
      }
      settings.fixed[s.input.name] = value;
    }
    return settings;
  }

  // ---------------------------------------------------------------- expressions

  private checkExpr(e: Expr, env: Env): Checked {
    switch (e.kind) {
      case "Number":
        if (e.isInt && (e.value > INT32_MAX || e.value < INT32_MIN)) {
          this.report(env, error("R0003", `${e.raw} does not fit in an int (32 bits)`, e.span, "too large", { help: `write it as a float: \`${e.raw}.0\`` }));
          return null;
        }
        return this.b.constant(e.value, e.isInt ? "i32" : "f32", e.span);
      case "Bool":
        return this.b.constant(e.value ? 1 : 0, "bool", e.span);
      case "String":
        this.stringMisused(e, "a string literal", env);
        return null;
      case "Name":
        return this.checkName(e, env);
      case "Call":
        return this.checkCall(e, env);
      case "Unary":
        return this.checkUnary(e, env);
      case "Binary":
        return this.checkBinary(e, env);
      case "If": {
        const cond = this.checkExpr(e.cond, env);
        const then = this.checkExpr(e.then, env);
        const other = this.checkExpr(e.else, env);
        if (cond && cond.type !== "bool") {
          this.report(env, error("R0206", "the condition of an `if` must be a bool", e.cond.span, `this is ${typeName(cond.type)}`, { help: compareHint(e.cond) }));
          return null;
        }
        if (!cond || !then || !other) return null;
        return this.select(cond, then, other, e.cond, e.then, e.else, e.span, env);
      }
      case "Match":
        return this.checkMatch(e, env);
      case "Index":
        return this.checkIndex(e.target, e.index, env, e.span);
    }
  }

  private checkName(e: NameExpr, env: Env): Checked {
    const name = e.name.name;
    if (env.lift && !env.locals) return this.liftName(e, env, env.lift);
    if (e.primed) {
      this.report(env, error("R0213", `\`${name}'\` names a value after a transform`, e.span, "only in the `expect` of a `transform` property", { help: `write \`${name}\`, or state a property \`transform INPUT = ... expect ...\`` }));
      return null;
    }
    if (e.namespace) {
      this.report(env, error("R0201", `\`${e.namespace.name}.${name}\` is a function`, e.span, "call it with arguments in parentheses"));
      return null;
    }
    const local = env.locals?.get(name);
    if (local) return local;
    const item = env.scope.values.get(name);
    if (item && env.scope === this.scope && !env.locals) {
      switch (item.kind) {
        case "Input": {
          this.usedInputs.add(name);
          if (this.textInputs.has(name)) {
            this.stringMisused(e, `\`${name}\``, env);
            return null;
          }
          const { type, level } = this.inputLevels.get(name)!;
          return this.b.add({ op: "input", name }, type, level, [], e.span);
        }
        case "Param": {
          const type = scalarOf(item.type);
          return this.b.add({ op: "param", name }, type, { kind: "param" }, [], e.span);
        }
        case "State":
          return this.b.add({ op: "state", name }, scalarOf(item.type), { kind: "batch" }, [], e.span);
        case "Let":
          if (this.letIsText(item)) {
            this.stringMisused(e, `\`${name}\``, env);
            return null;
          }
          return this.checkLet(item, env);
      }
    }
    const output = env.scope.outputs.get(name as "reward");
    if (output && env.scope === this.scope && !env.locals) return this.checkOutput(output, env);
    const constant = CONSTANTS.get(name);
    if (constant !== undefined) return this.b.constant(constant, "f32", e.span);

    if (env.locals && (item || output)) {
      this.report(env, error("R0101", `functions see only their parameters and constants, not \`${name}\``, e.name.span, "defined outside this function", { help: `pass it as an argument` }));
      return null;
    }
    if (name in STD_CONVENTIONS) {
      this.report(env, error("R0101", `\`${name}\` names a convention of \`var\` and \`std\``, e.name.span, "only valid as their convention argument", { help: `e.g. \`group.std(x, ${name})\`` }));
      return null;
    }
    if (name === this.scope.groupBy?.key.name) {
      this.report(env, error("R0101", `the group key \`${name}\` is not a value`, e.name.span, "only identifies groups", { help: `declare it as an input, e.g. \`input ${name} : int\`, to use it in expressions` }));
      return null;
    }
    const candidates = [...(env.locals?.keys() ?? []), ...CONSTANTS.keys()];
    if (!env.locals) candidates.push(...env.scope.values.keys(), ...env.scope.outputs.keys());
    this.report(env, error("R0101", `cannot find \`${name}\``, e.name.span, "not defined", { help: hint(didYouMean(name, candidates)) }));
    return null;
  }

  private checkUnary(e: UnaryExpr, env: Env): Checked {
    // The literal 2147483648 does not fit in an int, but its negation is the smallest int.
    if (e.op === "-" && e.operand.kind === "Number" && e.operand.isInt && e.operand.value === -INT32_MIN) return this.b.constant(INT32_MIN, "i32", e.span);
    const operand = this.checkExpr(e.operand, env);
    if (!operand) return null;
    if (e.op === "not") {
      if (operand.type !== "bool") {
        this.report(env, error("R0201", "`not` needs a bool", e.operand.span, `this is ${typeName(operand.type)}`));
        return null;
      }
      return this.b.add({ op: "unary", fn: "not" }, "bool", operand.level, [operand.id], e.span);
    }
    if (operand.type === "bool") {
      this.report(env, error("R0201", "cannot negate a bool", e.operand.span, "this is a bool", { help: "use `not`, or convert with `float(...)`" }));
      return null;
    }
    return this.b.add({ op: "unary", fn: "neg" }, operand.type, operand.level, [operand.id], e.span);
  }

  private checkBinary(e: BinaryExpr, env: Env): Checked {
    if ((e.op === "==" || e.op === "!=") && (this.isText(e.left, env) || this.isText(e.right, env))) return this.checkTextEquality(e, env);
    const left = this.checkExpr(e.left, env);
    const right = this.checkExpr(e.right, env);
    if (!left || !right) return null;
    const level = this.join([left, right], [e.left, e.right], env);
    if (!level) return null;
    const op = BINARY_FNS[e.op];
    if (e.op === "and" || e.op === "or") {
      if (!this.expectType(left, "bool", e.left, `\`${e.op}\` needs bools`, env) || !this.expectType(right, "bool", e.right, `\`${e.op}\` needs bools`, env)) return null;
      return this.b.add({ op: "binary", fn: op }, "bool", level, [left.id, right.id], e.span);
    }
    const isComparison = ["==", "!=", "<", "<=", ">", ">="].includes(e.op);
    if (isComparison && left.type === "bool" && right.type === "bool" && (e.op === "==" || e.op === "!=")) {
      return this.b.add({ op: "binary", fn: op }, "bool", level, [left.id, right.id], e.span);
    }
    for (const [side, expr] of [[left, e.left], [right, e.right]] as const) {
      if (side.type === "bool") {
        this.report(env, error("R0201", `\`${e.op}\` needs numbers, found a bool`, expr.span, "this is a bool", { help: `convert it with \`float(${exprText(expr)})\`` }));
        return null;
      }
    }
    const operandType: Scalar = e.op === "/" || e.op === "**" || left.type === "f32" || right.type === "f32" ? "f32" : "i32";
    const a = this.convert(left, operandType, e.left.span);
    const c = this.convert(right, operandType, e.right.span);
    return this.b.add({ op: "binary", fn: op }, isComparison ? "bool" : operandType, level, [a.id, c.id], e.span);
  }

  private select(cond: Value, then: Value, other: Value, condExpr: Expr, thenExpr: Expr, elseExpr: Expr, span: Span, env: Env): Checked {
    const type = this.unify(then, other, thenExpr, elseExpr, env);
    if (!type) return null;
    const level = this.join([cond, then, other], [condExpr, thenExpr, elseExpr], env);
    if (!level) return null;
    const a = this.convert(then, type, thenExpr.span);
    const c = this.convert(other, type, elseExpr.span);
    return this.b.add({ op: "select" }, type, level, [cond.id, a.id, c.id], span);
  }

  private unify(a: Value, c: Value, aExpr: Expr, cExpr: Expr, env: Env): Scalar | null {
    if (a.type === c.type) return a.type;
    if (a.type !== "bool" && c.type !== "bool") return "f32";
    this.report(env, {
      severity: "error",
      code: "R0201",
      message: `the branches have different types: ${typeName(a.type)} and ${typeName(c.type)}`,
      labels: [
        { span: aExpr.span, message: `this is ${typeName(a.type)}`, primary: true },
        { span: cExpr.span, message: `this is ${typeName(c.type)}`, primary: false },
      ],
      notes: [],
      help: "convert one of them, e.g. with `float(...)`",
    });
    return null;
  }

  private checkMatch(e: MatchExpr, env: Env): Checked {
    const scrutinees = e.scrutinees.map((s) => this.checkExpr(s, env));
    const arms = e.arms.map((arm) => this.checkExpr(arm.body, env));
    if (scrutinees.some((s) => !s) || arms.some((a) => !a)) return null;
    const values = scrutinees as Value[];
    // An arm tests its scrutinees together, so they must combine like the operands of an `and`.
    if (!this.join(values, e.scrutinees, env)) return null;
    let ok = true;
    for (const [i, s] of values.entries()) {
      if (s.type === "f32") {
        this.report(env, error("R0201", "a case table matches bools and ints, not floats", e.scrutinees[i]!.span, "this is a float", { help: "compare first, e.g. `match (x > 0.5, ...)`" }));
        ok = false;
      }
    }
    for (const arm of e.arms) {
      if (arm.patterns.length !== values.length) {
        this.report(env, error("R0207", `this arm has ${arm.patterns.length} pattern${arm.patterns.length === 1 ? "" : "s"} but the table matches ${values.length} value${values.length === 1 ? "" : "s"}`, arm.span, "wrong number of patterns"));
        ok = false;
        continue;
      }
      for (const [i, p] of arm.patterns.entries()) {
        const want = values[i]!.type;
        if ((p.kind === "PBool" && want !== "bool") || (p.kind === "PInt" && want !== "i32")) {
          this.report(env, error("R0201", `pattern does not fit ${typeName(want)}`, p.span, `expected ${want === "bool" ? "`true`, `false`" : "an int"} or \`_\``));
          ok = false;
        }
      }
    }
    if (!ok) return null;
    const coverage = matchCoverage(e, values);
    if (coverage.tooManyCases !== null && !e.arms.at(-1)!.patterns.every((p) => p.kind === "PWild")) {
      this.report(env, error("R0207", "this case table has too many cases to check that it covers them all", e.span, `${coverage.tooManyCases} combinations of values`, {
        notes: [`rewardc enumerates at most ${MAX_MATCH_COMBINATIONS} combinations; beyond that a table must end with a catch-all arm`],
        help: "end it with an arm of wildcards `| _, ... => ...`",
      }));
      return null;
    }
    if (coverage.missing) {
      this.report(env, error("R0207", "this case table does not cover every case", e.span, `(${coverage.missing.join(", ")}) is not covered`, { help: "add an arm for it, or a last arm of wildcards `| _, ... => ...`" }));
      return null;
    }
    for (const i of coverage.unreachable) {
      this.warn(warning("W0302", "this arm can never be chosen", e.arms[i]!.span, "earlier arms cover every case it matches"));
    }
    const bodies = arms as Value[];
    // Arms in order: the last arm is the fallback; each earlier arm guards with its patterns.
    let result: Value = bodies[bodies.length - 1]!;
    let resultExpr: Expr = e.arms[e.arms.length - 1]!.body;
    for (let a = e.arms.length - 2; a >= 0; a--) {
      const arm = e.arms[a]!;
      let cond: Value = this.b.constant(1, "bool");
      // The scrutinee that gives the arm's test its level, for a label if the test cannot combine with a body.
      let condExpr: Expr = e.scrutinees[0]!;
      for (const [i, p] of arm.patterns.entries()) {
        if (p.kind === "PWild") continue;
        const s = values[i]!;
        const lit = this.b.constant(p.kind === "PBool" ? (p.value ? 1 : 0) : p.value, s.type, p.span);
        const test = this.b.add({ op: "binary", fn: "eq" }, "bool", s.level, [s.id, lit.id], p.span);
        if (LEVEL_RANK[test.level.kind] > LEVEL_RANK[cond.level.kind]) condExpr = e.scrutinees[i]!;
        cond = cond.level.kind === "const" ? test : this.b.add({ op: "binary", fn: "and" }, "bool", this.maxLevel(cond.level, test.level), [cond.id, test.id], arm.span);
      }
      const next = this.select(cond, bodies[a]!, result, condExpr, arm.body, resultExpr, e.span, env);
      if (!next) return null;
      result = next;
      resultExpr = arm.body;
    }
    return result;
  }

  private checkIndex(targetExpr: Expr, indexExpr: Expr, env: Env, span: Span): Checked {
    const target = this.checkExpr(targetExpr, env);
    const index = this.checkExpr(indexExpr, env);
    if (!target || !index) return null;
    if (target.level.kind !== "element") {
      this.report(env, error("R0203", "only arrays can be indexed", targetExpr.span, `this is ${levelPhrase(target.level)}`));
      return null;
    }
    if (index.type !== "i32") {
      this.report(env, error("R0201", "an index must be an int", indexExpr.span, `this is ${typeName(index.type)}`));
      return null;
    }
    // An index per rollout picks one element; an index per element (of any axis) gathers: element j of
    // the result is x[i_j], e.g. each token's step value with `at(step_value, token_step)`.
    const resultLevel: Level = index.level.kind === "element" ? index.level : ROLLOUT;
    const axis = this.axes.get(target.level.axis);
    if (axis?.kind === "fixed" && index.level.kind === "const") {
      const i = evaluateConstant(this.b.nodes, index.id);
      if (i < 0 || i >= axis.width!) {
        this.report(env, error("R0202", `index ${i} is out of bounds for a vector of ${axis.width}`, indexExpr.span, `valid indices are 0..${axis.width! - 1}`));
        return null;
      }
    }
    return this.b.add({ op: "axis_at", axis: target.level.axis }, target.type, resultLevel, [target.id, index.id], span);
  }

  // ---------------------------------------------------------------- calls

  private checkCall(e: CallExpr, env: Env): Checked {
    const ns = e.callee.namespace?.name ?? null;
    const name = e.callee.name.name;
    if (ns === null) {
      if (CASTS.has(name)) return this.checkCast(e, name, env);
      const fn = env.scope.fns.get(name);
      if (fn) return this.inline(fn, env.scope, e, env);
      const structured = STRUCTURED_BUILTINS.get(name);
      const elementwise = ELEMENTWISE_BY_NAME.get(name);
      if (structured && (!elementwise || e.args.length === 1)) return this.checkStructured(e, name, structured, env);
      if (elementwise) return this.checkElementwise(e, elementwise, env);
      const known = [...env.scope.fns.keys(), ...ELEMENTWISE_BY_NAME.keys(), ...[...STRUCTURED_BUILTINS.keys()].filter((k) => !k.includes(".")), ...CASTS];
      this.report(env, error("R0103", `cannot find function \`${name}\``, e.callee.span, "not a built-in or a function of this file", { help: hint(didYouMean(name, known)) }));
      return null;
    }
    if (ns === TEXT_NAMESPACE) return this.checkTextCall(e, env);
    if (ns === "group" || ns === "batch") {
      const full = `${ns}.${name}`;
      const structured = STRUCTURED_BUILTINS.get(full);
      if (!structured) {
        const known = [...STRUCTURED_BUILTINS.keys()].filter((k) => k.startsWith(ns + "."));
        this.report(env, error("R0103", `\`${ns}\` has no function \`${name}\``, e.callee.span, "unknown", { help: hint(didYouMean(full, known)) ?? `available: ${known.join(", ")}` }));
        return null;
      }
      return this.checkStructured(e, full, structured, env);
    }
    const target = env.scope.imports.get(ns);
    if (!target) {
      const aliases = [...env.scope.imports.keys(), "group", "batch", TEXT_NAMESPACE];
      this.report(env, error("R0101", `cannot find \`${ns}\``, e.callee.namespace!.span, "not an import", { help: hint(didYouMean(ns, aliases)) ?? (ns === STD_ALIAS ? undefined : `import a file with \`import "file.reward" as ${ns}\``) }));
      return null;
    }
    const fn = target.fns.get(name);
    if (!fn) {
      this.report(env, error("R0103", `\`${ns}\` has no function \`${name}\``, e.callee.name.span, "unknown", { help: hint(didYouMean(name, [...target.fns.keys()])) }));
      return null;
    }
    return this.inline(fn, target, e, env);
  }

  private checkCast(e: CallExpr, name: string, env: Env): Checked {
    if (!this.arity(e, 1, 1, env) || !this.noNamed(e, [], env)) return null;
    const arg = this.checkExpr(e.args[0]!, env);
    if (!arg) return null;
    const to: Scalar = name === "float" ? "f32" : name === "int" ? "i32" : "bool";
    return this.convert(arg, to, e.span);
  }

  private checkElementwise(e: CallExpr, def: ElementwiseBuiltin, env: Env): Checked {
    if (!this.arity(e, def.params.length, def.params.length, env) || !this.noNamed(e, [], env)) return null;
    const args = e.args.map((a) => this.checkExpr(a, env));
    if (args.some((a) => !a)) return null;
    const values = args as Value[];
    for (const [i, v] of values.entries()) {
      if (v.type === "bool" && def.params[i] !== "bool") {
        this.report(env, error("R0202", `\`${def.name}\` needs a number here, found a bool`, e.args[i]!.span, "this is a bool", { help: `convert it with \`float(${exprText(e.args[i]!)})\`` }));
        return null;
      }
    }
    const level = this.join(values, e.args, env);
    if (!level) return null;
    const numType: Scalar = values.some((v, i) => def.params[i] === "num" && v.type === "f32") ? "f32" : "i32";
    const converted = values.map((v, i) => this.convert(v, def.params[i] === "float" ? "f32" : def.params[i] === "bool" ? "bool" : numType, e.args[i]!.span).id);
    const result: Scalar = def.result === "float" ? "f32" : def.result === "bool" ? "bool" : numType;
    return this.b.add({ op: "math", fn: def.name }, result, level, converted, e.span);
  }

  private checkStructured(e: CallExpr, name: string, def: StructuredBuiltin, env: Env): Checked {
    const wantsConvention = "convention" in def && def.convention;
    const acceptsWhere = def.kind === "group_reduce" || def.kind === "batch_reduce" || (def.kind === "axis_reduce" && def.where);
    if (!this.noNamed(e, acceptsWhere ? ["where"] : [], env)) return null;
    const positional = def.kind === "group_size" || def.kind === "batch_size" ? 0 : def.kind === "axis_shift" || def.kind === "axis_at" || (def.kind === "axis_distinct" && def.window === null) ? 2 : 1;
    const optional = def.kind === "axis_scan" && def.discount ? 1 : 0;
    const extra = wantsConvention ? 1 : 0;
    if (wantsConvention && e.args.length === positional) {
      this.report(env, error("R0104", `\`${name}\` needs a convention: \`unbiased\` (divide by n-1) or \`population\` (divide by n)`, e.span, "convention missing", { help: `write \`${name}(${e.args.map(exprText).join(", ")}, unbiased)\` or \`${name}(${e.args.map(exprText).join(", ")}, population)\`` }));
      return null;
    }
    if (!this.arity(e, positional + extra, positional + extra + optional, env)) return null;
    let ddof = 0;
    if (wantsConvention) {
      const conv = e.args[positional]!;
      const word = conv.kind === "Name" && !conv.namespace ? conv.name.name : null;
      if (word === null || !(word in STD_CONVENTIONS)) {
        this.report(env, error("R0202", `the convention of \`${name}\` must be \`unbiased\` or \`population\``, conv.span, "not a convention"));
        return null;
      }
      ddof = STD_CONVENTIONS[word]!;
    }
    const args = e.args.slice(0, positional).map((a) => this.checkExpr(a, env));
    const discountExpr = optional ? e.args[positional] : undefined;
    const discount = discountExpr ? this.checkExpr(discountExpr, env) : this.b.constant(1, "f32");
    const whereArg = e.named.find((n) => n.name.name === "where");
    const where = whereArg ? this.checkExpr(whereArg.value, env) : null;
    if (args.some((a) => !a) || !discount || (whereArg && !where)) return null;
    const x = args[0] as Value | undefined;
    const xExpr = e.args[0];

    switch (def.kind) {
      case "axis_reduce": {
        if (!this.needElement(x!, xExpr!, name, env)) return null;
        const axis = (x!.level as { axis: string }).axis;
        const input = this.reductionInput(def.fn, x!, xExpr!, name, env);
        if (!input) return null;
        const mask = where ? this.checkMask(where, whereArg!, x!.level, env) : null;
        if (where && !mask) return null;
        const masked = mask !== null;
        return this.b.add({ op: "axis_reduce", fn: def.fn, axis, ddof, masked }, reductionType(def.fn, input.type), ROLLOUT, masked ? [input.id, mask!.id] : [input.id], e.span);
      }
      case "axis_scan": {
        if (!this.needElement(x!, xExpr!, name, env) || !this.needNumber(x!, xExpr!, name, env)) return null;
        const axis = (x!.level as { axis: string }).axis;
        const xs = this.convert(x!, "f32", xExpr!.span);
        if (def.fn === "prefix_min" || def.fn === "suffix_min" || def.fn === "prefix_max" || def.fn === "suffix_max") {
          return this.b.add({ op: "axis_scan", fn: def.fn, axis }, x!.type, x!.level, [x!.id], e.span);
        }
        if (def.fn === "softmax") return this.b.add({ op: "axis_scan", fn: def.fn, axis }, "f32", x!.level, [xs.id], e.span);
        // A discount is per rollout, or per element of the same axis (0 at an episode end resets the return).
        if (discount.level.kind === "element" && discount.level.axis !== axis) {
          const at = this.join([x!, discount], [xExpr!, discountExpr!], env);
          if (!at) return null;
        }
        if (!this.needNumber(discount, discountExpr ?? e, name, env)) return null;
        const gamma = this.convert(discount, "f32", discountExpr?.span ?? e.span);
        return this.b.add({ op: "axis_scan", fn: def.fn, axis }, "f32", x!.level, [xs.id, gamma.id], e.span);
      }
      case "axis_shift": {
        const fallback = args[1]!;
        if (!this.needElement(x!, xExpr!, name, env) || !this.needAtMost(fallback, e.args[1], ROLLOUT, "the fallback", env)) return null;
        const type = this.unify(x!, fallback, xExpr!, e.args[1]!, env);
        if (!type) return null;
        const axis = (x!.level as { axis: string }).axis;
        return this.b.add({ op: "axis_shift", dir: def.dir, axis }, type, x!.level, [this.convert(x!, type, xExpr!.span).id, this.convert(fallback, type, e.args[1]!.span).id], e.span);
      }
      case "axis_index": {
        if (!this.needElement(x!, xExpr!, name, env)) return null;
        const axis = (x!.level as { axis: string }).axis;
        return this.b.add({ op: "axis_index", axis }, "i32", x!.level, [], e.span);
      }
      case "axis_at":
        return this.checkIndex(e.args[0]!, e.args[1]!, env, e.span);
      case "axis_distinct": {
        if (!this.needElement(x!, xExpr!, name, env, "int[tokens]")) return null;
        if (x!.type === "f32") {
          this.report(env, error("R0202", `\`${name}\` compares values exactly, so it takes ints or bools, found a float`, xExpr!.span, "this is a float", {
            notes: ["float equality is ambiguous here: -0 equals 0, and NaN equals nothing, not even itself"],
            help: "pass token ids, e.g. an input `tokens : int[tokens]`",
          }));
          return null;
        }
        const window = def.window === null ? this.windowLength(args[1]!, e.args[1]!, name, env) : this.b.constant(def.window, "i32", e.span);
        if (!window) return null;
        const axis = (x!.level as { axis: string }).axis;
        return this.b.add({ op: "axis_distinct", axis }, "i32", ROLLOUT, [x!.id, window.id], e.span);
      }
      case "batch_size":
        return this.b.add({ op: "batch_size" }, "i32", { kind: "batch" }, [], e.span);
      case "group_size":
        if (!this.needGroups(e, name, env)) return null;
        return this.b.add({ op: "group_size" }, "i32", { kind: "group" }, [], e.span);
      case "group_reduce":
      case "group_map": {
        if (!this.needGroups(e, name, env)) return null;
        if (LEVEL_RANK[x!.level.kind] > LEVEL_RANK.rollout) {
          const axis = (x!.level as { axis: string }).axis;
          this.report(env, error("R0203", `\`${name}\` needs a rollout-level value, found ${levelArticle(x!.level)} one`, xExpr!.span, `${describe(xExpr!)} is ${levelPhrase(x!.level)}; reduce it first, e.g. \`mean(${exprText(xExpr!)})\``, { notes: [`\`${axis}\` is a ragged axis: each rollout has its own array`] }));
          return null;
        }
        if (def.kind === "group_map") {
          if (def.fn === "count_eq" || def.fn === "rank") {
            if (def.fn === "rank" && !this.needNumber(x!, xExpr!, name, env)) return null;
            return this.b.add({ op: "group_map", fn: def.fn, ddof }, "i32", ROLLOUT, [x!.id], e.span);
          }
          if (!this.needNumber(x!, xExpr!, name, env)) return null;
          return this.b.add({ op: "group_map", fn: def.fn, ddof }, "f32", ROLLOUT, [this.convert(x!, "f32", xExpr!.span).id], e.span);
        }
        const input = this.reductionInput(def.fn, x!, xExpr!, name, env);
        if (!input) return null;
        const mask = where ? this.checkMask(where, whereArg!, ROLLOUT, env) : null;
        if (where && !mask) return null;
        const masked = mask !== null;
        return this.b.add({ op: "group_reduce", fn: def.fn, ddof, masked }, reductionType(def.fn, input.type), { kind: "group" }, masked ? [input.id, mask!.id] : [input.id], e.span);
      }
      case "batch_reduce": {
        const input = this.reductionInput(def.fn, x!, xExpr!, name, env);
        if (!input) return null;
        const mask = where ? this.checkMask(where, whereArg!, x!.level, env) : null;
        if (where && !mask) return null;
        const masked = mask !== null;
        return this.b.add({ op: "batch_reduce", fn: def.fn, ddof, masked }, reductionType(def.fn, input.type), { kind: "batch" }, masked ? [input.id, mask!.id] : [input.id], e.span);
      }
    }
  }

  /**
   * The window length of `distinct_ngrams`: an int known before the kernels run and at least 1, so both
   * backends may assume it. A constant is checked here; a param must declare a range that starts at 1 or
   * more (the session refuses values outside it). Anything finer (a per-rollout n) is refused.
   */
  private windowLength(n: Value, expr: Expr, name: string, env: Env): Checked {
    if (n.type !== "i32") {
      this.report(env, error("R0202", `the window length of \`${name}\` must be an int, found ${typeName(n.type)}`, expr.span, `this is ${typeName(n.type)}`, { help: `write a whole number, e.g. \`${name}(x, 3)\`` }));
      return null;
    }
    if (n.level.kind === "const") {
      const value = evaluateConstant(this.b.nodes, n.id);
      if (value < 1) {
        this.report(env, error("R0202", `the window length of \`${name}\` must be at least 1, found ${value}`, expr.span, "windows of fewer than 1 element"));
        return null;
      }
      return n;
    }
    const node = this.b.nodes[n.id]!;
    if (node.op === "param") {
      const decl = this.paramDecls.find((p) => p.name === node.name);
      if (decl && decl.range !== null && decl.range[0] >= 1) return n;
      this.report(env, error("R0209", `param \`${node.name}\` is a window length, so its range must start at 1 or more`, expr.span, decl?.range ? `its range starts at ${decl.range[0]}` : "it has no range", {
        help: `declare it with a range, e.g. \`param ${node.name} : int = ${decl?.default ?? 3} in 1..64\``,
      }));
      return null;
    }
    this.report(env, error("R0212", `the window length of \`${name}\` must be a constant or a param`, expr.span, `this is ${levelPhrase(n.level)}`, {
      notes: ["every rollout's windows have the same length, known before the kernels run"],
    }));
    return null;
  }

  /** The value a reduction consumes, converted to the type the reduction works in. */
  private reductionInput(fn: string, x: Value, xExpr: Expr, name: string, env: Env): Checked {
    if (fn === "count" || fn === "any" || fn === "all" || fn === "first_index") {
      if (x.type !== "bool") {
        this.report(env, error("R0202", `\`${name}\` counts or tests bools, found ${typeName(x.type)}`, xExpr.span, `this is ${typeName(x.type)}`, { help: `write a condition, e.g. \`${name}(${exprText(xExpr)} > 0)\`` }));
        return null;
      }
      return x;
    }
    if (fn === "len" || fn === "first" || fn === "last") return x;
    if (fn === "sum") return x.type === "bool" ? this.convert(x, "i32", xExpr.span) : x;
    if (x.type === "bool" && fn !== "mean") {
      this.report(env, error("R0202", `\`${name}\` needs numbers, found a bool`, xExpr.span, "this is a bool", { help: `convert it with \`float(${exprText(xExpr)})\`` }));
      return null;
    }
    return fn === "min" || fn === "max" || fn === "argmax" || fn === "argmin" ? x : this.convert(x, "f32", xExpr.span);
  }

  private checkMask(mask: Value, arg: NamedArg, maxLevel: Level, env: Env): Checked {
    if (mask.type !== "bool") {
      this.report(env, error("R0202", "`where:` takes a bool", arg.value.span, `this is ${typeName(mask.type)}`, { help: compareHint(arg.value) }));
      return null;
    }
    if (LEVEL_RANK[mask.level.kind] > LEVEL_RANK[maxLevel.kind] || (mask.level.kind === "element" && maxLevel.kind === "element" && mask.level.axis !== maxLevel.axis)) {
      this.report(env, error("R0203", `the mask is ${levelPhrase(mask.level)}, finer than the values it selects (${levelPhrase(maxLevel)})`, arg.value.span, "mask at the wrong level"));
      return null;
    }
    return mask;
  }

  private inline(fn: FnItem, fnScope: Scope, e: CallExpr, env: Env): Checked {
    if (env.frames.some((f) => f.fn === fn)) {
      this.report(env, error("R0106", `\`${fn.name.name}\` calls itself`, e.span, "recursive call", { notes: ["functions are inlined into the kernels, so they cannot recurse"] }));
      return null;
    }
    this.calledFns.add(fn);
    const named = new Map(e.named.map((n) => [n.name.name, n]));
    for (const n of e.named) {
      if (!fn.params.some((p) => p.name.name === n.name.name)) {
        this.report(env, error("R0108", `\`${fn.name.name}\` has no parameter \`${n.name.name}\``, n.name.span, "unknown parameter", { help: hint(didYouMean(n.name.name, fn.params.map((p) => p.name.name))) }));
        return null;
      }
    }
    for (const n of e.named) {
      const position = fn.params.findIndex((p) => p.name.name === n.name.name);
      if (position !== -1 && position < e.args.length) {
        this.report(env, {
          ...error("R0102", `argument \`${n.name.name}\` of \`${fn.name.name}\` is given twice`, n.name.span, "given again by name"),
          labels: [
            { span: n.name.span, message: "given again by name", primary: true },
            { span: e.args[position]!.span, message: "given by position here", primary: false },
          ],
          help: "remove one of them",
        });
        return null;
      }
    }
    const given = e.args.length + e.named.length;
    if (given !== fn.params.length || e.args.length > fn.params.length) {
      this.report(env, error("R0104", `\`${fn.name.name}\` takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}, ${given} given`, e.span, `expected ${fn.params.length}`, { labels: [{ span: e.span, message: `expected ${fn.params.length}`, primary: true }, { span: fn.name.span, message: "defined here", primary: false }] }));
      return null;
    }
    const locals = new Map<string, Value>();
    for (const [i, p] of fn.params.entries()) {
      const argExpr = i < e.args.length ? e.args[i] : named.get(p.name.name)?.value;
      if (!argExpr) {
        this.report(env, error("R0104", `missing argument \`${p.name.name}\` of \`${fn.name.name}\``, e.span, "not given"));
        return null;
      }
      const arg = this.checkExpr(argExpr, env);
      if (!arg) return null;
      if (p.type) {
        const want = scalarOf(p.type);
        if (arg.type !== want && !(arg.type === "i32" && want === "f32")) {
          this.report(env, {
            ...error("R0202", `argument \`${p.name.name}\` of \`${fn.name.name}\` is ${typeName(want)}, found ${typeName(arg.type)}`, argExpr.span, `this is ${typeName(arg.type)}`),
            labels: [
              { span: argExpr.span, message: `this is ${typeName(arg.type)}`, primary: true },
              { span: p.span, message: "parameter declared here", primary: false },
            ],
            help: arg.type === "bool" ? `convert it with \`float(${exprText(argExpr)})\`` : undefined,
          });
          return null;
        }
        locals.set(p.name.name, this.convert(arg, want, argExpr.span));
      } else locals.set(p.name.name, arg);
    }
    return this.checkExpr(fn.body, { scope: fnScope, locals, frames: [...env.frames, { fn, callSpan: e.span, callFile: env.scope.file }] });
  }

  // ---------------------------------------------------------------- text

  /**
   * Whether `e` is string-valued: a string literal, a `string` input, a `let` holding a string, or
   * `text.boxed/trim/lower(...)`. Decided from the syntax, so a string is never checked as a number.
   */
  private isText(e: Expr, env: Env, visiting = new Set<LetItem>()): boolean {
    switch (e.kind) {
      case "String":
        return true;
      case "Call":
        return e.callee.namespace?.name === TEXT_NAMESPACE && TEXT_FUNCTIONS.get(e.callee.name.name)?.result === "string";
      case "Name": {
        const name = e.name.name;
        if (e.namespace || e.primed || env.locals?.has(name) || env.scope !== this.scope) return false;
        const item = this.scope.values.get(name);
        if (item?.kind === "Input") return this.textInputs.has(name);
        if (item?.kind !== "Let" || visiting.has(item)) return false;
        visiting.add(item);
        return this.isText(item.value, this.top, visiting);
      }
      default:
        return false;
    }
  }

  private letIsText(item: LetItem): boolean {
    return this.isText(item.value, this.top, new Set([item]));
  }

  /** The string value of a `let`, checked once and inlined into every feature that reads it. */
  private textLet(item: LetItem): TextExpr | null {
    const cached = this.textLets.get(item);
    if (cached === "pending") {
      this.diagnostics.push(error("R0106", `\`${item.name.name}\` is defined in terms of itself`, item.name.span, "this definition depends on its own value"));
      this.textLets.set(item, null);
      return null;
    }
    if (cached !== undefined) return cached;
    this.textLets.set(item, "pending");
    const value = this.textArg(item.value, `\`${item.name.name}\``, this.top);
    if (this.textLets.get(item) === "pending") this.textLets.set(item, value);
    return this.textLets.get(item) as TextExpr | null;
  }

  /** A string where only numbers and bools go (arithmetic, `if`, outputs, function arguments, ...). */
  private stringMisused(e: Expr, what: string, env: Env): void {
    const inLaw = env.lift !== undefined && !env.locals;
    const help = inLaw
      ? "a law reads values of the spec: define a `let` from the string, e.g. `let solved = text.boxed(completion) == answer`, and use its name here"
      : e.kind === "Name"
        ? `use a number computed from it, e.g. \`text.chars(${e.name.name})\`, or compare it with \`==\``
        : "pass it to a `text.*` function, or compare it with another string with `==` or `!=`";
    this.report(env, error("R0214", `${what} is a string, and strings are only read on the host, by \`text.*\` functions and \`==\`/\`!=\``, e.span, "a string here", { help }));
  }

  /** Strings are read before the kernels run, so a law (which runs on scored values) cannot read them itself. */
  private noTextInLaw(e: Expr, what: string, env: Env): boolean {
    if (!env.lift || env.locals) return true;
    this.report(env, error("R0214", `${what} cannot be computed inside a pair or transform law`, e.span, "computed from strings", { help: "define it with a `let` in the spec and use the `let`'s name here" }));
    return false;
  }

  private checkTextCall(e: CallExpr, env: Env): Checked {
    const name = e.callee.name.name;
    const def = TEXT_FUNCTIONS.get(name);
    if (!def) {
      const known = [...TEXT_FUNCTIONS.keys()];
      const suggestion = didYouMean(name, known);
      this.report(env, error("R0103", `\`text\` has no function \`${name}\``, e.callee.name.span, "unknown", { help: suggestion ? `did you mean \`text.${suggestion}\`?` : `available: ${known.map((k) => `text.${k}`).join(", ")}` }));
      return null;
    }
    if (def.result === "string") {
      this.stringMisused(e, `\`text.${name}(...)\``, env);
      return null;
    }
    if (!this.noTextInLaw(e, `\`text.${name}\``, env)) return null;
    const feature = this.textFeature(e, name, def, env);
    return feature ? this.derived(feature, e.span) : null;
  }

  private textFeature(e: CallExpr, name: string, def: TextFunction, env: Env): TextFeature | null {
    const fn = `text.${name}`;
    if (!this.noNamed(e, def.flags ? ["flags"] : [], env) || !this.arity(e, def.params.length, def.params.length, env)) return null;
    const arg = this.textArg(e.args[0]!, `\`${fn}\``, env);
    if (name === "count") {
      const needle = this.literalArg(e.args[1]!, `the substring of \`${fn}\``, env);
      const value = needle ? this.decodeLiteral(needle, env) : null;
      return arg && value !== null ? { fn: "count", arg, needle: value } : null;
    }
    if (name !== "matches" && name !== "count_matches") return arg ? { fn: name as "chars", arg } : null;
    const patternLit = this.literalArg(e.args[1]!, `the pattern of \`${fn}\``, env);
    const flagsArg = e.named.find((n) => n.name.name === "flags");
    const flagsLit = flagsArg ? this.literalArg(flagsArg.value, `the flags of \`${fn}\``, env) : null;
    if (!arg || !patternLit || (flagsArg && !flagsLit)) return null;
    const flags = flagsLit ? this.decodeLiteral(flagsLit, env) : "";
    if (flags === null) return null;
    const badFlags = flagsError(flags);
    if (badFlags) {
      this.report(env, error("R0215", `invalid regex flags "${flagsLit!.raw}"`, flagsLit!.span, badFlags));
      return null;
    }
    const pattern = patternSource(patternLit.raw);
    const invalid = regexError(pattern, flags);
    if (invalid) {
      this.report(env, error("R0215", "invalid regular expression", patternLit.span, invalid, { notes: ["patterns are ECMAScript regular expressions, compiled with the `u` flag"] }));
      return null;
    }
    return { fn: name as "matches", arg, pattern, flags };
  }

  /** A pattern, needle or flags argument: the grammar accepts any expression, the function a literal only. */
  private literalArg(e: Expr, what: string, env: Env): StringLit | null {
    if (e.kind === "String") return e;
    this.report(env, error("R0215", `${what} must be a string literal`, e.span, "not a literal", { help: 'write it in quotes where it is used, e.g. `text.count(completion, "<think>")`' }));
    return null;
  }

  private decodeLiteral(e: StringLit, env: Env): string | null {
    const decoded = decodeString(e.raw);
    if ("value" in decoded) return decoded.value;
    // The literal's text starts one character after its opening quote.
    const start = e.span.start + 1 + decoded.offset;
    this.report(env, error("R0215", `unknown escape \`${decoded.badEscape}\` in a string`, { file: e.span.file, start, end: start + decoded.badEscape.length }, "not an escape", { help: "strings know `\\n`, `\\t`, `\\\\` and `\\\"`; regex escapes such as `\\d` belong in a pattern (`text.matches`, `text.count_matches`)" }));
    return null;
  }

  /** A string-valued argument as the host will evaluate it; anything else is reported. */
  private textArg(e: Expr, what: string, env: Env): TextExpr | null {
    if (e.kind === "String") {
      const value = this.decodeLiteral(e, env);
      return value === null ? null : { kind: "literal", value };
    }
    if (e.kind === "Name" && this.isText(e, env)) {
      const item = this.scope.values.get(e.name.name)!;
      if (item.kind === "Let") return this.textLet(item);
      this.usedInputs.add(e.name.name);
      return { kind: "input", name: e.name.name };
    }
    if (e.kind === "Call" && this.isText(e, env)) {
      const fn = e.callee.name.name as "boxed" | "trim" | "lower";
      if (!this.noNamed(e, [], env) || !this.arity(e, 1, 1, env)) return null;
      const arg = this.textArg(e.args[0]!, `\`text.${fn}\``, env);
      return arg ? { kind: "call", fn, arg } : null;
    }
    const value = this.checkExpr(e, env);
    if (!value) return null;
    this.report(env, error("R0202", `${what} needs a string, found ${typeName(value.type)}`, e.span, `this is ${typeName(value.type)}`, { help: "strings are `string` inputs, string literals, `let`s holding them and `text.boxed`, `text.trim`, `text.lower` of a string" }));
    return null;
  }

  private checkTextEquality(e: BinaryExpr, env: Env): Checked {
    if (!this.noTextInLaw(e, "a comparison of strings", env)) return null;
    const leftText = this.isText(e.left, env);
    const rightText = this.isText(e.right, env);
    if (!leftText || !rightText) {
      const [textSide, otherSide] = leftText ? [e.left, e.right] : [e.right, e.left];
      const ok = this.textArg(textSide, `\`${e.op}\``, env);
      const other = this.checkExpr(otherSide, env);
      if (!ok || !other) return null;
      this.report(env, {
        ...error("R0214", `\`${e.op}\` compares a string with ${typeName(other.type)}`, otherSide.span, `this is ${typeName(other.type)}`),
        labels: [
          { span: otherSide.span, message: `this is ${typeName(other.type)}`, primary: true },
          { span: textSide.span, message: "this is a string", primary: false },
        ],
        help: "compare two strings, or read a number from the string first, e.g. `text.number(...)`",
      });
      return null;
    }
    const left = this.textArg(e.left, `\`${e.op}\``, env);
    const right = this.textArg(e.right, `\`${e.op}\``, env);
    if (!left || !right) return null;
    const equal = this.derived({ fn: "equals", left, right }, e.span);
    return e.op === "==" ? equal : this.b.add({ op: "unary", fn: "not" }, "bool", ROLLOUT, [equal.id], e.span);
  }

  /** The derived input carrying a feature to the kernels: one per distinct feature. */
  private derived(feature: TextFeature, span: Span): Value {
    const key = featureKey(feature);
    let decl = this.features.get(key);
    if (!decl) {
      decl = derivedInput(feature, this.features.size);
      this.features.set(key, decl);
    }
    return this.b.add({ op: "input", name: decl.name }, decl.type, ROLLOUT, [], span);
  }

  // ---------------------------------------------------------------- helpers

  /** Reports a diagnostic; inside an inlined function the call sites are added, innermost first. */
  private report(env: Env, d: Diagnostic): void {
    if (env.frames.length > 0) {
      const callLabels: Label[] = [...env.frames].reverse().map((f) => ({ span: f.callSpan, message: `in this call to \`${f.fn.name.name}\``, primary: false }));
      // Errors inside a library the user did not write are shown at the user's call.
      const userFrame = env.frames[0]!;
      if (d.labels[0] && d.labels[0].span.file !== this.scope.file) {
        if (this.failedLibraryCalls.has(userFrame.callSpan)) return;
        this.failedLibraryCalls.add(userFrame.callSpan);
        d.labels = [{ span: userFrame.callSpan, message: `this call to \`${userFrame.fn.name.name}\` fails: ${d.labels[0].message}`, primary: true }, ...d.labels.map((l) => ({ ...l, primary: false })), ...callLabels.slice(0, -1)];
      } else d.labels.push(...callLabels);
    }
    this.diagnostics.push(d);
  }

  /**
   * Reports a warning once per code and place: a function is checked at every call, and a warning about its
   * body (unlike an error, which names the call) says the same thing each time.
   */
  private warn(d: Diagnostic): void {
    const at = d.labels.find((l) => l.primary)?.span;
    const key = at ? `${d.code} ${at.file} ${at.start} ${at.end}` : `${d.code} ${d.message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.diagnostics.push(d);
  }

  private levelError(code: string, message: string, expr: Expr, level: Level, help: string): void {
    this.diagnostics.push(error(code, message, expr.span, `${describe(expr)} is ${levelPhrase(level)}`, { help }));
  }

  private arity(e: CallExpr, min: number, max: number, env: Env): boolean {
    const n = e.args.length;
    if (n >= min && n <= max) return true;
    const name = e.callee.namespace ? `${e.callee.namespace.name}.${e.callee.name.name}` : e.callee.name.name;
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    this.report(env, error("R0104", `\`${name}\` takes ${expected} argument${max === 1 ? "" : "s"}, ${n} given`, e.span, `expected ${expected}`));
    return false;
  }

  private noNamed(e: CallExpr, allowed: string[], env: Env): boolean {
    for (const n of e.named) {
      if (!allowed.includes(n.name.name)) {
        this.report(env, error("R0108", `unknown named argument \`${n.name.name}\``, n.name.span, allowed.length ? `only ${allowed.map((a) => `\`${a}:\``).join(", ")} is accepted here` : "this function takes no named arguments"));
        return false;
      }
    }
    return true;
  }

  private needElement(x: Value, expr: Expr, name: string, env: Env, arrayExample = "float[tokens]"): boolean {
    if (x.level.kind === "element") return true;
    const alt = STRUCTURED_BUILTINS.has(`group.${name}`) ? ` To reduce over the group, use \`group.${name}(${exprText(expr)})\`.` : "";
    this.report(env, error("R0203", `\`${name}\` works along a ragged array, but ${describe(expr)} is ${levelPhrase(x.level)}`, expr.span, `this is ${levelPhrase(x.level)}`, { help: `pass an array input such as \`${arrayExample}\`.${alt}` }));
    return false;
  }

  private needNumber(x: Value, expr: Expr, name: string, env: Env): boolean {
    if (x.type !== "bool") return true;
    this.report(env, error("R0202", `\`${name}\` needs numbers, found a bool`, expr.span, "this is a bool", { help: `convert it with \`float(${exprText(expr)})\`` }));
    return false;
  }

  private needAtMost(x: Value, expr: Expr | undefined, max: Level, what: string, env: Env): boolean {
    if (LEVEL_RANK[x.level.kind] <= LEVEL_RANK[max.kind]) return true;
    this.report(env, error("R0203", `${what} must be one value per rollout at most`, expr?.span ?? { file: this.scope.file, start: 0, end: 0 }, `this is ${levelPhrase(x.level)}`));
    return false;
  }

  private needGroups(e: CallExpr, name: string, env: Env): boolean {
    if (this.scope.groupBy) return true;
    this.report(env, error("R0210", `\`${name}\` needs groups, but this spec has no \`group by\``, e.callee.span, "group reduction", { help: "add `group by <input>` naming the field that identifies the prompt" }));
    return false;
  }

  private expectType(v: Value, type: Scalar, expr: Expr, message: string, env: Env): boolean {
    if (v.type === type) return true;
    this.report(env, error("R0201", message, expr.span, `this is ${typeName(v.type)}`, { help: type === "bool" ? compareHint(expr) : undefined }));
    return false;
  }

  private maxLevel(a: Level, b: Level): Level {
    return LEVEL_RANK[a.kind] >= LEVEL_RANK[b.kind] ? a : b;
  }

  /** The level of an element-wise combination: the finest argument level; two different axes are an error. */
  private join(values: Value[], exprs: Expr[], env: Env): Level | null {
    let level: Level = CONST;
    let from: Expr | undefined;
    for (const [i, v] of values.entries()) {
      if (level.kind === "element" && v.level.kind === "element" && level.axis !== v.level.axis) {
        this.report(env, {
          severity: "error",
          code: "R0204",
          message: `cannot combine values along different axes: \`${level.axis}\` and \`${v.level.axis}\``,
          labels: [
            { span: exprs[i]!.span, message: `this is ${levelPhrase(v.level)}`, primary: true },
            { span: from!.span, message: `this is ${levelPhrase(level)}`, primary: false },
          ],
          notes: ["each ragged axis has its own lengths per rollout"],
          help: "reduce one of them to a per-rollout value first, e.g. with `sum(...)` or `last(...)`",
        });
        return null;
      }
      if (LEVEL_RANK[v.level.kind] > LEVEL_RANK[level.kind]) {
        level = v.level;
        from = exprs[i];
      } else if (!from && v.level.kind === level.kind) from = exprs[i];
    }
    return level;
  }

  private convert(v: Value, to: Scalar, span: Span): Value {
    if (v.type === to) return v;
    return this.b.add({ op: "cast" }, to, v.level, [v.id], span);
  }

  /** Implicit conversion for assignments: int widens to float; anything else must match. */
  private convertTo(v: Value, to: Scalar, expr: Expr, what: string): Checked {
    if (v.type === to || (v.type === "i32" && to === "f32")) return this.convert(v, to, expr.span);
    this.diagnostics.push(error("R0201", `${what} is ${typeName(to)}, but this is ${typeName(v.type)}`, expr.span, `this is ${typeName(v.type)}`, { help: to === "i32" && v.type === "f32" ? "convert it with `int(...)`, which truncates" : undefined }));
    return null;
  }

  private toNumeric(v: Value, span: Span): Value {
    return this.convert(v, "f32", span);
  }
}

// ---------------------------------------------------------------- tables and words

const BINARY_FNS: Record<BinaryExpr["op"], BinaryFn> = {
  or: "or",
  and: "and",
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  "+": "add",
  "-": "sub",
  "*": "mul",
  "/": "div",
  "%": "mod",
  "**": "pow",
};

/** The scalar of a declared type; `string` (reported wherever it is not allowed) reads as a float to keep checking. */
export function scalarOf(t: TypeExpr): Scalar {
  return t.scalar === "float" || t.scalar === "string" ? "f32" : t.scalar === "int" ? "i32" : "bool";
}

/** A declared type as written: `float`, `float[tokens]`, `int[3]`. */
function typeText(t: TypeExpr): string {
  if (!t.shape) return t.scalar;
  return `${t.scalar}[${t.shape.kind === "ragged" ? t.shape.axis.name : t.shape.width}]`;
}

function typeName(t: Scalar): string {
  return t === "f32" ? "a float" : t === "i32" ? "an int" : "a bool";
}

function singular(axis: string): string {
  if (axis.startsWith("[")) return "vector element";
  return axis.endsWith("s") && axis.length > 1 ? axis.slice(0, -1) : axis;
}

export function levelPhrase(level: Level): string {
  switch (level.kind) {
    case "const":
      return "a constant";
    case "param":
      return "a param";
    case "batch":
      return "one value per batch";
    case "group":
      return "per group";
    case "rollout":
      return "per rollout";
    case "element":
      return `per ${singular(level.axis)}`;
  }
}

function levelArticle(level: Level): string {
  if (level.kind !== "element") return `a ${level.kind}-level`;
  const word = singular(level.axis);
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}-level`;
}

function hint(suggestion: string | undefined): string | undefined {
  return suggestion ? `did you mean \`${suggestion}\`?` : undefined;
}

function compareHint(e: Expr): string | undefined {
  return e.kind === "Name" ? `compare it, e.g. \`${exprText(e)} > 0\`` : undefined;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.fround(x) === x ? x : x);
}

/** Code to quote inside a suggestion: a name or literal verbatim, anything longer as `...`. */
function exprText(e: Expr): string {
  if (e.kind === "Name") return `${e.namespace ? e.namespace.name + "." : ""}${e.name.name}`;
  if (e.kind === "Number") return e.raw;
  if (e.kind === "Bool") return String(e.value);
  return "...";
}

/** How a message refers to an expression: a quoted name, or "this value". */
function describe(e: Expr): string {
  return e.kind === "Name" || e.kind === "Number" || e.kind === "Bool" ? `\`${exprText(e)}\`` : "this value";
}

/** The unqualified names an expression reads (not the functions it calls). */
function namesIn(e: Expr): string[] {
  const names: string[] = [];
  const walk = (x: Expr): void => {
    switch (x.kind) {
      case "Name":
        if (!x.namespace) names.push(x.name.name);
        return;
      case "Call":
        x.args.forEach(walk);
        x.named.forEach((n) => walk(n.value));
        return;
      case "Unary":
        return walk(x.operand);
      case "Binary":
        walk(x.left);
        return walk(x.right);
      case "If":
        walk(x.cond);
        walk(x.then);
        return walk(x.else);
      case "Match":
        x.scrutinees.forEach(walk);
        x.arms.forEach((a) => walk(a.body));
        return;
      case "Index":
        walk(x.target);
        return walk(x.index);
      default:
        return;
    }
  };
  walk(e);
  return [...new Set(names)];
}

/** Beyond this many combinations of column values, a case table is not enumerated (see `matchCoverage`). */
const MAX_MATCH_COMBINATIONS = 65536;

interface MatchCoverage {
  /** A case no arm covers, one pattern per column; null when every case is covered (or when not enumerated). */
  missing: string[] | null;
  unreachable: number[];
  /** The number of combinations when there were too many to enumerate; null when the table was enumerated. */
  tooManyCases: number | null;
}

/** Exhaustiveness and reachability of a case table, by enumerating the values each column can take. */
function matchCoverage(e: MatchExpr, values: Value[]): MatchCoverage {
  const columns = values.map((v, i) => {
    if (v.type === "bool") return [1, 0];
    const seen = new Set<number>();
    for (const arm of e.arms) {
      const p = arm.patterns[i];
      if (p?.kind === "PInt") seen.add(p.value);
    }
    let other = 0;
    while (seen.has(other)) other++;
    return [...seen, other];
  });
  const total = columns.reduce((n, c) => n * c.length, 1);
  const used = new Set<number>();
  if (total > MAX_MATCH_COMBINATIONS) return { missing: null, unreachable: [], tooManyCases: total };
  for (let k = 0; k < total; k++) {
    let rest = k;
    const row = columns.map((c) => {
      const v = c[rest % c.length]!;
      rest = Math.floor(rest / c.length);
      return v;
    });
    const arm = e.arms.findIndex((a) => a.patterns.every((p, i) => p.kind === "PWild" || (p.kind === "PBool" ? (p.value ? 1 : 0) : p.value) === row[i]));
    if (arm < 0) {
      return {
        missing: row.map((v, i) => (values[i]!.type === "bool" ? String(v === 1) : e.arms.some((a) => a.patterns[i]?.kind === "PInt" && a.patterns[i]!.kind === "PInt" && (a.patterns[i] as { value: number }).value === v) ? String(v) : "_")),
        unreachable: [],
        tooManyCases: null,
      };
    }
    used.add(arm);
  }
  return { missing: null, unreachable: e.arms.map((_, i) => i).filter((i) => !used.has(i)), tooManyCases: null };
}

export { isUniform };
