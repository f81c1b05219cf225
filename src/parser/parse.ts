/**
 * The parser stage's entry point: source text in, AST and diagnostics out. Never throws on bad input.
 *
 * Lexer errors become R0001, parser errors R0002 (worded here from the facts `grammar/parser.ts` records, since
 * Chevrotain's own messages list token sequences), bad literals R0003 (from `toAst.ts`), expressions nested beyond
 * the limit R0002 (from `depth.ts`).
 */
import type { ILexingError, IRecognitionException, IToken, TokenType } from "chevrotain";
import { EOF, tokenMatcher } from "../../grammar/chevrotain.js";
import { rewardParser, syntaxErrorFacts, type SyntaxErrorFacts } from "../../grammar/parser.js";
import * as T from "../../grammar/tokens.js";
import { error, type Diagnostic, type Span } from "../diagnostics/diagnostic.js";
import type { Program } from "./ast.js";
import { limitExpressionDepth } from "./depth.js";
import { cstToAst } from "./toAst.js";

export function parse(file: string, text: string): { program: Program | null; diagnostics: Diagnostic[] } {
  const lexed = T.rewardLexer.tokenize(text);
  const diagnostics = lexed.errors.map((e) => lexerDiagnostic(file, text, e));
  const context: ErrorContext = { file, tokens: lexed.tokens, tokenIndex: new Map(lexed.tokens.map((token, index) => [token, index])) };
  try {
    return { program: parseTokens(lexed.tokens, context, text.length, diagnostics), diagnostics: inSourceOrderOnePerOffset(diagnostics) };
  } catch (e) {
    // The parser and the CST visitor recurse once per nesting level, so a few hundred nested parentheses exhaust the stack.
    if (!(e instanceof RangeError)) throw e;
    diagnostics.push(tooDeeplyNested(context));
    return { program: null, diagnostics: inSourceOrderOnePerOffset(diagnostics) };
  }
}

/** Parses the tokens and builds the AST, adding syntax errors to `diagnostics`. */
function parseTokens(tokens: IToken[], context: ErrorContext, textLength: number, diagnostics: Diagnostic[]): Program | null {
  rewardParser.input = tokens;
  const cst = rewardParser.program();
  const syntaxErrors = rewardParser.errors.map((e) => syntaxDiagnostic(e, context));
  diagnostics.push(...syntaxErrors);
  try {
    const built = cstToAst(cst, context.file, textLength);
    diagnostics.push(...built.diagnostics);
    const limited = limitExpressionDepth(built.program);
    diagnostics.push(...limited.diagnostics);
    return limited.program;
  } catch (e) {
    // A CST the parser built without complaint must always convert; failing on one would be our bug, not the user's.
    if (syntaxErrors.length === 0 || e instanceof RangeError) throw e;
    return null;
  }
}

function tooDeeplyNested(context: ErrorContext): Diagnostic {
  let depth = 0;
  let deepest = { depth: -1, token: context.tokens[0] };
  for (const token of context.tokens) {
    if ([T.LParen, T.LBracket, T.LBrace].some((type) => tokenMatcher(token, type))) depth++;
    if ([T.RParen, T.RBracket, T.RBrace].some((type) => tokenMatcher(token, type))) depth--;
    if (depth > deepest.depth) deepest = { depth, token };
  }
  const token = deepest.token;
  const span = token ? { file: context.file, start: token.startOffset, end: token.startOffset + token.image.length } : { file: context.file, start: 0, end: 0 };
  return error("R0002", "expression nested too deeply", span, "nested too deeply here", {
    help: "split the expression with `let` definitions",
  });
}

/** Recovery can report the same spot twice (e.g. once in a rule, once when re-syncing its repetition); keep the first. */
function inSourceOrderOnePerOffset(diagnostics: Diagnostic[]): Diagnostic[] {
  const start = (d: Diagnostic) => d.labels[0]?.span.start ?? 0;
  const seen = new Set<number>();
  return [...diagnostics]
    .sort((a, b) => start(a) - start(b))
    .filter((d) => {
      if (seen.has(start(d))) return false;
      seen.add(start(d));
      return true;
    });
}

// ---- lexer errors ----

function lexerDiagnostic(file: string, text: string, e: ILexingError): Diagnostic {
  const characters = text.slice(e.offset, e.offset + e.length);
  const span = { file, start: e.offset, end: e.offset + e.length };
  const plural = [...characters].length > 1;
  const message = `unexpected character${plural ? "s" : ""} \`${truncate(characters)}\``;
  if (characters.startsWith('"')) {
    return error("R0001", message, { file, start: e.offset, end: e.offset + 1 }, "this string is never closed", {
      help: 'a string ends with `"` on the same line',
    });
  }
  return error("R0001", message, span, plural ? "not valid in a .reward file" : "not valid here");
}

// ---- parser errors ----

interface ErrorContext {
  file: string;
  tokens: IToken[];
  /** Position of each token in `tokens`, to look at its neighbours. */
  tokenIndex: Map<IToken, number>;
}

/**
 * How syntax errors name the rules they happen in. After one of the rule's own `keywords` the rule needs no naming:
 * "expected a name after `let`", not "… after `let` in a `let`".
 */
const RULE_PHRASES: Record<string, { phrase: string; keywords?: string[] }> = {
  importItem: { phrase: "an `import`", keywords: ["import", "as"] },
  groupByItem: { phrase: "a `group by`", keywords: ["group", "by"] },
  inputItem: { phrase: "an `input` declaration", keywords: ["input"] },
  paramItem: { phrase: "a `param` declaration", keywords: ["param"] },
  letItem: { phrase: "a `let`", keywords: ["let"] },
  fnItem: { phrase: "a function definition", keywords: ["fn"] },
  fnParam: { phrase: "a parameter list" },
  outputItem: { phrase: "an output", keywords: ["reward", "advantage", "keep", "weight"] },
  metricItem: { phrase: "a `metric`", keywords: ["metric"] },
  stateItem: { phrase: "a `state` declaration", keywords: ["state"] },
  updateItem: { phrase: "an `update`", keywords: ["update"] },
  propertyItem: { phrase: "a `property`", keywords: ["property"] },
  pairLaw: { phrase: "a `pair` law", keywords: ["pair", "differ", "in", "given"] },
  transform: { phrase: "a `transform`", keywords: ["transform"] },
  setting: { phrase: "a generator setting", keywords: ["with"] },
  bounds: { phrase: "a range of a setting" },
  range: { phrase: "a range", keywords: ["in"] },
  ifExpr: { phrase: "an `if`", keywords: ["if"] },
  matchExpr: { phrase: "a `match`", keywords: ["match"] },
  matchArm: { phrase: "a match arm", keywords: ["|"] },
  name: { phrase: "a qualified name" },
  arg: { phrase: "an argument" },
};

/** Mismatches common enough to deserve a sentence of their own, keyed by `rule expectedToken`. */
const SPECIFIC_MISMATCHES: Record<string, { message: string; label: string; help?: string }> = {
  "ifExpr Then": { message: "expected `then` after the condition of an `if`", label: "expected `then` here" },
  "ifExpr Else": { message: "expected `else` after the `then` branch of an `if`", label: "expected `else` here", help: "every `if` needs an `else` branch" },
  "matchExpr RParen": { message: "expected `,` or `)` after the value of a `match`", label: "expected `,` or `)` here" },
  "matchExpr LBrace": { message: "expected `{` to start the arms of a `match`", label: "expected `{` here" },
  "matchExpr RBrace": { message: "expected another arm (`| …`) or `}` to end the `match`", label: "expected `|` or `}` here" },
  "matchArm FatArrow": { message: "expected `,` or `=>` after a pattern", label: "expected `,` or `=>` here" },
  "parenExpr RParen": { message: "expected `)` to close the parenthesis", label: "expected `)` here" },
  "callOrName RParen": { message: "expected `,` or `)` after an argument", label: "expected `,` or `)` here" },
  "fnItem RParen": { message: "expected `,` or `)` after a parameter", label: "expected `,` or `)` here" },
  "postfix RBracket": { message: "expected `]` to close the index", label: "expected `]` here" },
  "type RBracket": { message: "expected `]` to close the shape of the type", label: "expected `]` here" },
  "range DotDot": { message: "expected `..` between the bounds of a range", label: "expected `..` here" },
  "signedNumber NumberLiteral": { message: "expected a number as a bound of the range", label: "expected a number here" },
};

const EXPRESSION_RULES = new Set([
  "expr", "orExpr", "andExpr", "notExpr", "comparison", "additive", "multiplicative", "unary", "power", "postfix", "primary",
]);

const ITEM_EXPECTATION = "an item such as `let`, `input` or `reward = …`";

const tokenTypesByName = new Map<string, TokenType>([...T.allTokens, EOF].map((t) => [t.name, t]));
const keywordSpellings = new Set(T.KEYWORDS);

function syntaxDiagnostic(e: IRecognitionException, context: ErrorContext): Diagnostic {
  const facts: SyntaxErrorFacts = syntaxErrorFacts(e) ?? { ruleName: e.context.ruleStack.at(-1) ?? "", expected: [] };
  const found = e.token;
  const previous = tokenBefore(found, context);
  const span = foundSpan(found, context);
  const foundText = describeFound(found);
  const diagnose = (message: string, label: string, help?: string) =>
    error("R0002", `${message}, found ${foundText}`, span, label, help === undefined ? {} : { help });

  const expectsEndOfItems = facts.ruleName === "program" && facts.expected.includes("EOF");
  if (expectsEndOfItems && previous && tokenMatcher(previous, T.RBrace) && continuesAnOperand(found)) {
    return diagnose(`expected ${ITEM_EXPECTATION}`, "expected an item here", "a `match` that starts an expression is the whole expression; to use it as an operand, wrap it in parentheses");
  }
  if (tokenMatcher(found, T.ComparisonOp) && followsAComparison(found, context)) {
    return error("R0002", "comparison operators cannot be chained", span, "a second comparison", {
      help: "add parentheses to say which comparison comes first, e.g. `(a < b) == c`",
    });
  }
  if (expectsEndOfItems || facts.ruleName === "item") {
    return diagnose(`expected ${ITEM_EXPECTATION}`, "expected an item here", keywordHelp(found, facts));
  }

  const expected = facts.expected[0];
  if (e.name === "MismatchedTokenException" && expected !== undefined) {
    const specific = SPECIFIC_MISMATCHES[`${facts.ruleName} ${expected}`];
    if (specific) return diagnose(specific.message, specific.label, specific.help ?? keywordHelp(found, facts));
    const where = previous ? ` ${describeAfter(previous, facts.ruleName, context)}` : "";
    return diagnose(`expected ${describeExpected([expected])}${where}`, `expected ${describeExpected([expected])} here`, keywordHelp(found, facts));
  }

  if (EXPRESSION_RULES.has(facts.ruleName)) {
    const after = previous ? ` after \`${truncate(previous.image)}\`` : "";
    return diagnose(`expected an expression${after}`, "expected an expression here");
  }
  if (facts.ruleName === "pattern") {
    return diagnose("expected a pattern (`_`, `true`, `false` or an integer)", "expected a pattern here");
  }
  if (facts.ruleName === "type") {
    return diagnose("expected an axis name or a width between `[` and `]`", "expected a name or an integer here");
  }
  if (facts.ruleName === "matchExpr") {
    return diagnose("expected a match arm starting with `|`", "expected `|` here");
  }
  const expectation = facts.expected.length > 0 ? describeExpected(facts.expected) : "something else";
  return diagnose(`expected ${expectation}`, `expected ${expectation} here`);
}

/** The span an error points at: the offending token, or just past the last token when the file ended too soon. */
function foundSpan(found: IToken, context: ErrorContext): Span {
  if (!tokenMatcher(found, EOF) && !Number.isNaN(found.startOffset)) {
    return { file: context.file, start: found.startOffset, end: found.startOffset + found.image.length };
  }
  const last = context.tokens.at(-1);
  const end = last ? last.startOffset + last.image.length : 0;
  return { file: context.file, start: end, end };
}

/**
 * The token before the offending one in the source. (Not the exception's `previousToken`: after re-syncing a
 * repetition, Chevrotain fills that in with the last token it skipped.)
 */
function tokenBefore(found: IToken, context: ErrorContext): IToken | undefined {
  const index = context.tokenIndex.get(found) ?? context.tokens.length;
  return index > 0 ? context.tokens[index - 1] : undefined;
}

function describeFound(token: IToken): string {
  return tokenMatcher(token, EOF) ? "the end of the file" : `\`${truncate(token.image)}\``;
}

/** "`)`", "a name", "`then` or `else`". */
function describeExpected(tokenNames: string[]): string {
  const labels = [...new Set(tokenNames.map((name) => (name === "EOF" ? "the end of the file" : (tokenTypesByName.get(name)?.LABEL ?? name))))];
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
}

/** "after the name in a `let`", "after `:` in an `input` declaration", "after `let`". */
function describeAfter(previous: IToken, ruleName: string, context: ErrorContext): string {
  const rule = RULE_PHRASES[ruleName];
  if (rule?.keywords?.includes(previous.image)) return `after \`${previous.image}\``;
  const beforePrevious = tokenBefore(previous, context);
  const isItemName = ruleName.endsWith("Item") && tokenMatcher(previous, T.Identifier) && beforePrevious !== undefined && isItemStart(beforePrevious);
  const what = isItemName ? "the name" : tokenMatcher(previous, T.StringLiteral) ? "the path" : `\`${truncate(previous.image)}\``;
  return rule ? `after ${what} in ${rule.phrase}` : `after ${what}`;
}

/** Tokens that end the operand of a comparison when reading backwards from an operator. */
const OPERAND_BOUNDARIES = [T.Equals, T.Then, T.Else, T.If, T.Comma, T.FatArrow, T.And, T.Or, T.Not, T.In, T.Colon, T.Expect, T.Given];

/** True when `found` continues an expression that already has a comparison at the same nesting level: `a < b == c`. */
function followsAComparison(found: IToken, context: ErrorContext): boolean {
  const index = context.tokenIndex.get(found) ?? context.tokens.length;
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const token = context.tokens[i]!;
    if ([T.RParen, T.RBracket, T.RBrace].some((type) => tokenMatcher(token, type))) depth++;
    else if ([T.LParen, T.LBracket, T.LBrace].some((type) => tokenMatcher(token, type))) {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0) {
      if (tokenMatcher(token, T.ComparisonOp)) return true;
      if (OPERAND_BOUNDARIES.some((type) => tokenMatcher(token, type)) || isItemStart(token)) return false;
    }
  }
  return false;
}

function isItemStart(token: IToken): boolean {
  return [T.Import, T.Group, T.Input, T.Param, T.Let, T.Fn, T.Metric, T.State, T.Update, T.Property].some((type) => tokenMatcher(token, type));
}

/** Binary operators and `[`: tokens that would extend the operand before them. */
function continuesAnOperand(token: IToken): boolean {
  return [T.ComparisonOp, T.AdditiveOp, T.MultiplicativeOp, T.StarStar, T.And, T.Or, T.LBracket].some((type) => tokenMatcher(token, type));
}

/** Explains the usual cause when a keyword sits where a name was wanted, e.g. `let if = 1`. */
function keywordHelp(found: IToken, facts: SyntaxErrorFacts): string | undefined {
  const wantsName = facts.expected.some((name) => name === "Identifier" || name === "NameWord");
  const usableAsName = tokenMatcher(found, T.Identifier) || (facts.expected.includes("NameWord") && tokenMatcher(found, T.NameWord));
  if (wantsName && keywordSpellings.has(found.image) && !usableAsName) return `\`${found.image}\` is a keyword and cannot be used as a name here`;
  return undefined;
}

function truncate(text: string): string {
  const characters = [...text];
  return characters.length > 24 ? `${characters.slice(0, 21).join("")}…` : text;
}
