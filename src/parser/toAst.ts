/**
 * Turns the CST of `grammar/parser.ts` into the AST of `ast.ts`, one visitor method per grammar rule.
 *
 * After error recovery the CST can have holes. An item repaired by inserting one punctuation token or keyword
 * (`input y float` read as `input y : float`) is kept, so later stages do not report its name as undefined. An item
 * with a real hole (a re-synced node, an invented name or number, a missing child) is dropped whole. Either way the
 * syntax error has already been reported by `parse.ts`.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import { rewardParser } from "../../grammar/parser.js";
import { error, type Diagnostic, type Span } from "../diagnostics/diagnostic.js";
import type {
  Bounds,
  PropertyItem,
  PropertyLaw,
  PropertySetting,
  TransformClause,
  BinaryOp,
  CallExpr,
  Expr,
  FnItem,
  FnParam,
  GroupByItem,
  Ident,
  IfExpr,
  ImportItem,
  InputItem,
  Item,
  LetItem,
  MatchArm,
  MatchExpr,
  MetricItem,
  NamedArg,
  NameExpr,
  NumberLit,
  OutputItem,
  OutputName,
  ParamItem,
  Pattern,
  Program,
  RangeExpr,
  ScalarTypeName,
  StateItem,
  TypeExpr,
  UpdateItem,
} from "./ast.js";

type Ctx = Record<string, CstElement[] | undefined>;

/** The largest finite float32, as the shortest decimal that reads back to it. */
const MAX_FLOAT32_TEXT = "3.4028235e38";

/** Thrown where the CST has a hole; caught per item, which is then left out of the program. */
class IncompleteSyntax extends Error {}

const isNode = (element: CstElement): element is CstNode => "children" in element;

const BaseVisitor = rewardParser.getBaseCstVisitorConstructor();

class AstBuilder extends BaseVisitor {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly file: string,
    private readonly textLength: number,
  ) {
    super();
    this.validateVisitor();
  }

  // ---- access to CST children that fails softly on holes ----

  /** A token whose text the AST needs; one invented by recovery has none, so it is a hole. */
  private token(ctx: Ctx, key: string, index = 0): IToken {
    const element = ctx[key]?.[index];
    if (element === undefined || isNode(element) || element.isInsertedInRecovery || Number.isNaN(element.startOffset)) {
      throw new IncompleteSyntax();
    }
    return element;
  }

  private optionalToken(ctx: Ctx, key: string, index = 0): IToken | undefined {
    return ctx[key]?.[index] === undefined ? undefined : this.token(ctx, key, index);
  }

  private node(ctx: Ctx, key: string, index = 0): CstNode {
    const element = ctx[key]?.[index];
    if (element === undefined || !isNode(element) || element.recoveredNode) throw new IncompleteSyntax();
    return element;
  }

  private nodes(ctx: Ctx, key: string): CstNode[] {
    return (ctx[key] ?? []).map((_, index) => this.node(ctx, key, index));
  }

  /** Visits the child `key` (the `index`-th one) of a rule. */
  private child<T>(ctx: Ctx, key: string, index = 0): T {
    return this.visit(this.node(ctx, key, index)) as T;
  }

  private tokenSpan(token: IToken): Span {
    return { file: this.file, start: token.startOffset, end: token.startOffset + token.image.length };
  }

  private nodeSpan(node: CstNode): Span {
    const start = node.location?.startOffset;
    const end = node.location?.endOffset;
    if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end)) throw new IncompleteSyntax();
    return { file: this.file, start, end: end + 1 };
  }

  /** The extent of a rule's children: CST nodes are not handed to visitor methods, only their children. */
  private spanOf(ctx: Ctx): Span {
    let start = Infinity;
    let end = -Infinity;
    for (const elements of Object.values(ctx)) {
      for (const element of elements ?? []) {
        const span = isNode(element) ? this.nodeSpan(element) : element.isInsertedInRecovery ? null : this.tokenSpan(element);
        if (span === null) continue;
        start = Math.min(start, span.start);
        end = Math.max(end, span.end);
      }
    }
    if (start > end) throw new IncompleteSyntax();
    return { file: this.file, start, end };
  }

  /** Visits the single sub-rule of a rule whose alternatives are one sub-rule each, e.g. `item`. */
  private onlyChild<T>(ctx: Ctx): T {
    const [key, ...others] = Object.keys(ctx);
    if (key === undefined || others.length > 0) throw new IncompleteSyntax();
    return this.child<T>(ctx, key);
  }

  private from(first: Span, last: Span): Span {
    return { file: this.file, start: first.start, end: last.end };
  }

  private ident(token: IToken): Ident {
    return { kind: "Ident", name: token.image, span: this.tokenSpan(token) };
  }

  /** A rule that is a list of operands joined by left-associative operators, e.g. `additive`. */
  private leftAssociative(ctx: Ctx, operandKey: string, operatorKey: string): Expr {
    const operands = this.nodes(ctx, operandKey);
    const first = operands[0];
    if (first === undefined) throw new IncompleteSyntax();
    let result = this.visit(first) as Expr;
    for (let i = 1; i < operands.length; i++) {
      const operand = operands[i]!;
      const op = this.token(ctx, operatorKey, i - 1).image as BinaryOp;
      result = { kind: "Binary", op, left: result, right: this.visit(operand) as Expr, span: this.from(this.nodeSpan(first), this.nodeSpan(operand)) };
    }
    return result;
  }

  // ---- numbers ----

  private numberLiteral(token: IToken): NumberLit {
    const raw = token.image;
    const isInt = !/[.eE]/.test(raw);
    const value = Number(raw);
    this.checkNumber(raw, isInt, value, this.tokenSpan(token));
    return { kind: "Number", value, isInt, raw, span: this.tokenSpan(token) };
  }

  private checkNumber(raw: string, isInt: boolean, value: number, span: Span): void {
    if (isInt && !Number.isSafeInteger(value)) {
      this.diagnostics.push(
        error("R0003", `integer literal \`${raw}\` is too large`, span, "does not fit in an int", {
          help: `ints must lie within ±${Number.MAX_SAFE_INTEGER}; for a larger value write a float such as \`${raw}.0\``,
        }),
      );
    } else if (!isInt && !Number.isFinite(Math.fround(value))) {
      // Floats are float32: a literal that only float64 can hold would silently become infinity.
      this.diagnostics.push(
        error("R0003", `float literal \`${raw}\` overflows float32 (largest finite is ${MAX_FLOAT32_TEXT})`, span, "overflows to infinity", {
          help: "write `inf` if infinity is meant",
        }),
      );
    }
  }

  // ---- program and items ----

  program(ctx: Ctx): Program {
    const headerToken = ctx["Identifier"]?.[0];
    const header = headerToken !== undefined && !isNode(headerToken) && !headerToken.isInsertedInRecovery ? this.ident(headerToken) : null;
    const items: Item[] = [];
    for (const element of ctx["item"] ?? []) {
      if (!isNode(element) || element.recoveredNode) continue;
      try {
        items.push(this.visit(element) as Item);
      } catch (e) {
        if (!(e instanceof IncompleteSyntax)) throw e;
      }
    }
    return { kind: "Program", file: this.file, header, items, span: { file: this.file, start: 0, end: this.textLength } };
  }

  item(ctx: Ctx): Item {
    return this.onlyChild<Item>(ctx);
  }

  importItem(ctx: Ctx): ImportItem {
    const path = this.token(ctx, "StringLiteral");
    return {
      kind: "Import",
      path: path.image.slice(1, -1),
      pathSpan: this.tokenSpan(path),
      alias: this.ident(this.token(ctx, "Identifier")),
      span: this.spanOf(ctx),
    };
  }

  groupByItem(ctx: Ctx): GroupByItem {
    return { kind: "GroupBy", key: this.ident(this.token(ctx, "Identifier")), span: this.spanOf(ctx) };
  }

  inputItem(ctx: Ctx): InputItem {
    return {
      kind: "Input",
      name: this.ident(this.token(ctx, "Identifier")),
      type: this.child<TypeExpr>(ctx, "type"),
      range: ctx["range"] ? this.child<RangeExpr>(ctx, "range") : null,
      span: this.spanOf(ctx),
    };
  }

  paramItem(ctx: Ctx): ParamItem {
    return {
      kind: "Param",
      name: this.ident(this.token(ctx, "Identifier")),
      type: this.child<TypeExpr>(ctx, "type"),
      value: this.child<Expr>(ctx, "expr"),
      range: ctx["range"] ? this.child<RangeExpr>(ctx, "range") : null,
      span: this.spanOf(ctx),
    };
  }

  letItem(ctx: Ctx): LetItem {
    return { kind: "Let", name: this.ident(this.token(ctx, "Identifier")), value: this.child<Expr>(ctx, "expr"), span: this.spanOf(ctx) };
  }

  fnItem(ctx: Ctx): FnItem {
    return {
      kind: "Fn",
      name: this.ident(this.token(ctx, "Identifier")),
      params: this.nodes(ctx, "fnParam").map((param) => this.visit(param) as FnParam),
      body: this.child<Expr>(ctx, "expr"),
      span: this.spanOf(ctx),
    };
  }

  fnParam(ctx: Ctx): FnParam {
    return {
      kind: "FnParam",
      name: this.ident(this.token(ctx, "Identifier")),
      type: ctx["type"] ? this.child<TypeExpr>(ctx, "type") : null,
      span: this.spanOf(ctx),
    };
  }

  outputItem(ctx: Ctx): OutputItem {
    const target = this.ident(this.token(ctx, "OutputName")) as Ident & { name: OutputName };
    return { kind: "Output", target, value: this.child<Expr>(ctx, "expr"), span: this.spanOf(ctx) };
  }

  metricItem(ctx: Ctx): MetricItem {
    return { kind: "Metric", name: this.ident(this.token(ctx, "Identifier")), value: this.child<Expr>(ctx, "expr"), span: this.spanOf(ctx) };
  }

  stateItem(ctx: Ctx): StateItem {
    return {
      kind: "State",
      name: this.ident(this.token(ctx, "Identifier")),
      type: this.child<TypeExpr>(ctx, "type"),
      value: this.child<Expr>(ctx, "expr"),
      span: this.spanOf(ctx),
    };
  }

  updateItem(ctx: Ctx): UpdateItem {
    return { kind: "Update", name: this.ident(this.token(ctx, "Identifier")), value: this.child<Expr>(ctx, "expr"), span: this.spanOf(ctx) };
  }

  propertyItem(ctx: Ctx): PropertyItem {
    const lawKey = ["expectClause", "pairLaw", "transformLaw"].find((k) => ctx[k] !== undefined);
    if (lawKey === undefined) throw new IncompleteSyntax();
    const law = lawKey === "expectClause" ? { kind: "Expect" as const, expect: this.child<Expr>(ctx, "expectClause") } : this.child<PropertyLaw>(ctx, lawKey);
    return {
      kind: "Property",
      name: this.ident(this.token(ctx, "Identifier")),
      law,
      settings: this.nodes(ctx, "setting").map((n) => this.visit(n) as PropertySetting),
      span: this.spanOf(ctx),
    };
  }

  expectClause(ctx: Ctx): Expr {
    return this.child<Expr>(ctx, "expr");
  }

  pairLaw(ctx: Ctx): PropertyLaw {
    const names = (ctx["Identifier"] ?? []).map((_, i) => this.ident(this.token(ctx, "Identifier", i)));
    if (names.length < 2) throw new IncompleteSyntax();
    return {
      kind: "Pair",
      a: names[0]!,
      b: names[1]!,
      differ: names.slice(2),
      given: ctx["Given"] ? this.child<Expr>(ctx, "expr") : null,
      expect: this.child<Expr>(ctx, "expectClause"),
    };
  }

  transformLaw(ctx: Ctx): PropertyLaw {
    return { kind: "Transform", transforms: this.nodes(ctx, "transform").map((n) => this.visit(n) as TransformClause), expect: this.child<Expr>(ctx, "expectClause") };
  }

  transform(ctx: Ctx): TransformClause {
    return { kind: "Transform", input: this.ident(this.token(ctx, "Identifier")), value: this.child<Expr>(ctx, "expr"), span: this.spanOf(ctx) };
  }

  setting(ctx: Ctx): PropertySetting {
    const span = this.spanOf(ctx);
    const name = this.ident(this.token(ctx, "Identifier"));
    if (ctx["Group"]) return { kind: "Shape", group: true, name, bounds: this.child<Bounds>(ctx, "bounds"), span };
    if (ctx["Equals"]) return { kind: "Fixed", input: name, value: this.child<Expr>(ctx, "expr"), span };
    if (ctx["In"]) return { kind: "InputRange", input: name, bounds: this.child<Bounds>(ctx, "bounds"), span };
    return { kind: "Shape", group: false, name, bounds: this.child<Bounds>(ctx, "bounds"), span };
  }

  bounds(ctx: Ctx): Bounds {
    const lo = this.child<SignedNumber>(ctx, "signedNumber", 0);
    const hi = this.child<SignedNumber>(ctx, "signedNumber", 1);
    return { lo: lo.value, hi: hi.value, loRaw: lo.raw, hiRaw: hi.raw };
  }

  // ---- types and ranges ----

  type(ctx: Ctx): TypeExpr {
    const scalar = this.token(ctx, "ScalarType").image as ScalarTypeName;
    let shape: TypeExpr["shape"] = null;
    if (ctx["LBracket"]) {
      const width = this.optionalToken(ctx, "IntLiteral");
      if (width) {
        const value = Number(width.image);
        this.checkNumber(width.image, true, value, this.tokenSpan(width));
        shape = { kind: "fixed", width: value, span: this.tokenSpan(width) };
      } else {
        shape = { kind: "ragged", axis: this.ident(this.token(ctx, "Identifier")) };
      }
    }
    return { kind: "TypeExpr", scalar, shape, span: this.spanOf(ctx) };
  }

  range(ctx: Ctx): RangeExpr {
    const lo = this.child<SignedNumber>(ctx, "signedNumber", 0);
    const hi = this.child<SignedNumber>(ctx, "signedNumber", 1);
    return { kind: "Range", lo: lo.value, hi: hi.value, loRaw: lo.raw, hiRaw: hi.raw, span: this.spanOf(ctx) };
  }

  signedNumber(ctx: Ctx): SignedNumber {
    const literal = this.token(ctx, "NumberLiteral");
    const negative = this.optionalToken(ctx, "Minus") !== undefined;
    const isInt = !/[.eE]/.test(literal.image);
    this.checkNumber(literal.image, isInt, Number(literal.image), this.tokenSpan(literal));
    const raw = (negative ? "-" : "") + literal.image;
    return { value: Number(raw), raw };
  }

  // ---- expressions ----

  expr(ctx: Ctx): Expr {
    return this.onlyChild<Expr>(ctx);
  }

  ifExpr(ctx: Ctx): IfExpr {
    return {
      kind: "If",
      cond: this.child<Expr>(ctx, "expr", 0),
      then: this.child<Expr>(ctx, "expr", 1),
      else: this.child<Expr>(ctx, "expr", 2),
      span: this.spanOf(ctx),
    };
  }

  matchExpr(ctx: Ctx): MatchExpr {
    return {
      kind: "Match",
      scrutinees: this.nodes(ctx, "expr").map((scrutinee) => this.visit(scrutinee) as Expr),
      arms: this.nodes(ctx, "matchArm").map((arm) => this.visit(arm) as MatchArm),
      span: this.spanOf(ctx),
    };
  }

  matchArm(ctx: Ctx): MatchArm {
    return {
      kind: "MatchArm",
      patterns: this.nodes(ctx, "pattern").map((pattern) => this.visit(pattern) as Pattern),
      body: this.child<Expr>(ctx, "expr"),
      span: this.spanOf(ctx),
    };
  }

  pattern(ctx: Ctx): Pattern {
    const span = this.spanOf(ctx);
    if (ctx["Underscore"]) return { kind: "PWild", span };
    if (ctx["True"] || ctx["False"]) return { kind: "PBool", value: ctx["True"] !== undefined, span };
    const literal = this.token(ctx, "IntLiteral");
    const magnitude = Number(literal.image);
    this.checkNumber(literal.image, true, magnitude, this.tokenSpan(literal));
    // `-0` is the pattern 0; keeping a negative zero would only make equal trees compare unequal.
    const value = ctx["Minus"] && magnitude !== 0 ? -magnitude : magnitude;
    return { kind: "PInt", value, span };
  }

  orExpr(ctx: Ctx): Expr {
    return this.leftAssociative(ctx, "andExpr", "Or");
  }

  andExpr(ctx: Ctx): Expr {
    return this.leftAssociative(ctx, "notExpr", "And");
  }

  notExpr(ctx: Ctx): Expr {
    if (!ctx["Not"]) return this.child<Expr>(ctx, "comparison");
    return { kind: "Unary", op: "not", operand: this.child<Expr>(ctx, "notExpr"), span: this.spanOf(ctx) };
  }

  comparison(ctx: Ctx): Expr {
    // At most one operator, so the left-associative fold builds exactly `left op right`.
    return this.leftAssociative(ctx, "additive", "ComparisonOp");
  }

  additive(ctx: Ctx): Expr {
    return this.leftAssociative(ctx, "multiplicative", "AdditiveOp");
  }

  multiplicative(ctx: Ctx): Expr {
    return this.leftAssociative(ctx, "unary", "MultiplicativeOp");
  }

  unary(ctx: Ctx): Expr {
    if (!ctx["Minus"]) return this.child<Expr>(ctx, "power");
    return { kind: "Unary", op: "-", operand: this.child<Expr>(ctx, "unary"), span: this.spanOf(ctx) };
  }

  power(ctx: Ctx): Expr {
    const base = this.child<Expr>(ctx, "postfix");
    if (!ctx["StarStar"]) return base;
    return { kind: "Binary", op: "**", left: base, right: this.child<Expr>(ctx, "unary"), span: this.spanOf(ctx) };
  }

  postfix(ctx: Ctx): Expr {
    const primary = this.node(ctx, "primary");
    const start = this.nodeSpan(primary);
    let result = this.visit(primary) as Expr;
    this.nodes(ctx, "expr").forEach((index, i) => {
      const close = ctx["RBracket"]?.[i];
      const end = close && !isNode(close) && !close.isInsertedInRecovery ? this.tokenSpan(close) : this.nodeSpan(index);
      result = { kind: "Index", target: result, index: this.visit(index) as Expr, span: this.from(start, end) };
    });
    return result;
  }

  primary(ctx: Ctx): Expr {
    if (ctx["NumberLiteral"]) return this.numberLiteral(this.token(ctx, "NumberLiteral"));
    if (ctx["StringLiteral"]) {
      const literal = this.token(ctx, "StringLiteral");
      return { kind: "String", raw: literal.image.slice(1, -1), span: this.tokenSpan(literal) };
    }
    if (ctx["True"]) return { kind: "Bool", value: true, span: this.tokenSpan(this.token(ctx, "True")) };
    if (ctx["False"]) return { kind: "Bool", value: false, span: this.tokenSpan(this.token(ctx, "False")) };
    return this.onlyChild<Expr>(ctx);
  }

  parenExpr(ctx: Ctx): Expr {
    return this.child<Expr>(ctx, "expr");
  }

  callOrName(ctx: Ctx): NameExpr | CallExpr {
    const callee = this.child<NameExpr>(ctx, "name");
    if (!ctx["LParen"]) return callee;
    const { args, named } = ctx["args"] ? this.child<Arguments>(ctx, "args") : { args: [], named: [] };
    return { kind: "Call", callee, args, named, span: this.spanOf(ctx) };
  }

  name(ctx: Ctx): NameExpr {
    const first = this.ident(this.token(ctx, "NameWord"));
    const primed = ctx["Prime"] ? { primed: true as const } : {};
    if (!ctx["Dot"]) return { kind: "Name", namespace: null, name: first, ...primed, span: this.spanOf(ctx) };
    return { kind: "Name", namespace: first, name: this.ident(this.token(ctx, "NameWord", 1)), ...primed, span: this.spanOf(ctx) };
  }

  args(ctx: Ctx): Arguments {
    const result: Arguments = { args: [], named: [] };
    for (const node of this.nodes(ctx, "arg")) {
      const arg = this.visit(node) as Expr | NamedArg;
      if (arg.kind === "NamedArg") {
        const earlier = result.named.find((n) => n.name.name === arg.name.name);
        if (earlier) this.diagnostics.push(duplicateNamedArgument(arg, earlier));
        else result.named.push(arg);
      } else if (result.named.length > 0) {
        // The AST keeps positional and named arguments apart, so their order cannot survive; reject it here.
        this.diagnostics.push(
          error("R0002", "positional argument after a named argument", arg.span, "move this before the named arguments", {
            labels: [
              { span: arg.span, message: "move this before the named arguments", primary: true },
              { span: result.named[0]!.span, message: "first named argument", primary: false },
            ],
          }),
        );
      } else {
        result.args.push(arg);
      }
    }
    return result;
  }

  arg(ctx: Ctx): Expr | NamedArg {
    const value = this.child<Expr>(ctx, "expr");
    if (!ctx["NameWord"]) return value;
    return { kind: "NamedArg", name: this.ident(this.token(ctx, "NameWord")), value, span: this.spanOf(ctx) };
  }
}

function duplicateNamedArgument(again: NamedArg, first: NamedArg): Diagnostic {
  return error("R0102", `duplicate named argument \`${first.name.name}\``, again.name.span, "given again here", {
    labels: [
      { span: again.name.span, message: "given again here", primary: true },
      { span: first.name.span, message: "first given here", primary: false },
    ],
    help: "remove one of them",
  });
}

interface SignedNumber {
  value: number;
  raw: string;
}

interface Arguments {
  args: Expr[];
  named: NamedArg[];
}

/**
 * Builds the AST of a CST produced by `rewardParser.program()`. `textLength` is the length of the source, the
 * extent of the program's span. Diagnostics are the ones only visible past the grammar (bad literals, argument order).
 */
export function cstToAst(cst: CstNode, file: string, textLength: number): { program: Program; diagnostics: Diagnostic[] } {
  const builder = new AstBuilder(file, textLength);
  const program = builder.visit(cst) as Program;
  return { program, diagnostics: builder.diagnostics };
}
