/**
 * The tokens of `.reward` files and the lexer built from them (see `grammar/reward.ebnf`).
 *
 * Token categories carry the grammar's overlaps so the parser never has to inspect images:
 * - `NameWord`: every token the EBNF's `nameWord` accepts, so `group.mean(x)` and `std.grpo(reward)` parse.
 * - `Identifier` is itself a category of `_` and of the type names `bool`, `int`, `float`, `string`: the EBNF's
 *   IDENT includes them, so `float(correct)` and `let _ = …` work, while `pattern` and `type` can still
 *   ask for the keyword specifically.
 * - `OutputName`, `ScalarType`, `NumberLiteral` and the operator classes group alternatives a rule treats alike.
 *
 * `label`s are the human wording used in syntax errors ("expected `then`", "expected a name").
 */
import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

// ---- categories (match no text themselves) ----

export const NameWord = createToken({ name: "NameWord", pattern: Lexer.NA, label: "a name" });
export const OutputName = createToken({ name: "OutputName", pattern: Lexer.NA, label: "an output name" });
export const ScalarType = createToken({ name: "ScalarType", pattern: Lexer.NA, label: "a type (`bool`, `int`, `float` or `string`)" });
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: Lexer.NA, label: "a number" });
export const ComparisonOp = createToken({ name: "ComparisonOp", pattern: Lexer.NA, label: "a comparison" });
export const AdditiveOp = createToken({ name: "AdditiveOp", pattern: Lexer.NA, label: "`+` or `-`" });
export const MultiplicativeOp = createToken({ name: "MultiplicativeOp", pattern: Lexer.NA, label: "`*`, `/` or `%`" });

// ---- trivia ----

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

// ---- names and literals ----

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [NameWord],
  label: "a name",
});

/** A float needs a fraction or an exponent; `1..5` therefore lexes as `1`, `..`, `5`. */
export const FloatLiteral = createToken({
  name: "FloatLiteral",
  pattern: /\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)/,
  categories: [NumberLiteral],
  label: "a number",
});
export const IntLiteral = createToken({ name: "IntLiteral", pattern: /\d+/, categories: [NumberLiteral], label: "an integer" });
/**
 * `"..."` on one line. A backslash escapes the next character, so `"a\"b"` is one token; which escapes are valid
 * depends on where the string is used (regex patterns pass them to the engine), so the checker reads them.
 */
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, label: "a string" });

// ---- keywords ----

function keyword(word: string, categories: TokenType[] = [], name = word[0]!.toUpperCase() + word.slice(1)): TokenType {
  // `longer_alt` makes `rewards`, `index_of`, `_x` lex as identifiers rather than keyword + rest.
  return createToken({ name, pattern: word, longer_alt: Identifier, categories, label: `\`${word}\`` });
}

export const Import = keyword("import");
export const As = keyword("as");
export const Group = keyword("group", [NameWord]);
export const By = keyword("by");
export const Input = keyword("input");
export const Param = keyword("param");
export const Let = keyword("let");
export const Fn = keyword("fn");
export const Metric = keyword("metric");
export const State = keyword("state");
export const Update = keyword("update");
export const In = keyword("in");
export const Reward = keyword("reward", [NameWord, OutputName]);
export const Advantage = keyword("advantage", [NameWord, OutputName]);
export const Keep = keyword("keep", [NameWord, OutputName]);
export const Weight = keyword("weight", [NameWord, OutputName]);
export const Batch = keyword("batch", [NameWord]);
export const If = keyword("if");
export const Then = keyword("then");
export const Else = keyword("else");
export const Match = keyword("match");
export const True = keyword("true");
export const False = keyword("false");
export const Or = keyword("or");
export const And = keyword("and");
export const Not = keyword("not");
export const BoolType = keyword("bool", [Identifier, ScalarType], "BoolType");
export const IntType = keyword("int", [Identifier, ScalarType], "IntType");
export const FloatType = keyword("float", [Identifier, ScalarType], "FloatType");
export const StringType = keyword("string", [Identifier, ScalarType], "StringType");
export const Underscore = keyword("_", [Identifier], "Underscore");
// Words of `property` items. They are also identifiers, so specs that use them as names keep working:
// where the grammar wants a name (`input pair : int`, `group by pair`) they are one.
export const Property = keyword("property", [Identifier]);
export const Expect = keyword("expect", [Identifier]);
export const Pair = keyword("pair", [Identifier]);
export const Differ = keyword("differ", [Identifier]);
export const Given = keyword("given", [Identifier]);
export const Transform = keyword("transform", [Identifier]);
export const With = keyword("with", [Identifier]);

// ---- punctuation and operators (longer spellings first where one is a prefix of another) ----

function punctuation(name: string, spelling: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: spelling, categories, label: `\`${spelling}\`` });
}

export const DotDot = punctuation("DotDot", "..");
export const Dot = punctuation("Dot", ".");
export const FatArrow = punctuation("FatArrow", "=>");
export const EqualEqual = punctuation("EqualEqual", "==", [ComparisonOp]);
export const NotEqual = punctuation("NotEqual", "!=", [ComparisonOp]);
export const LessEqual = punctuation("LessEqual", "<=", [ComparisonOp]);
export const GreaterEqual = punctuation("GreaterEqual", ">=", [ComparisonOp]);
export const Less = punctuation("Less", "<", [ComparisonOp]);
export const Greater = punctuation("Greater", ">", [ComparisonOp]);
export const Equals = punctuation("Equals", "=");
export const StarStar = punctuation("StarStar", "**");
export const Star = punctuation("Star", "*", [MultiplicativeOp]);
export const Slash = punctuation("Slash", "/", [MultiplicativeOp]);
export const Percent = punctuation("Percent", "%", [MultiplicativeOp]);
export const Plus = punctuation("Plus", "+", [AdditiveOp]);
export const Minus = punctuation("Minus", "-", [AdditiveOp]);
export const LParen = punctuation("LParen", "(");
export const RParen = punctuation("RParen", ")");
export const LBracket = punctuation("LBracket", "[");
export const RBracket = punctuation("RBracket", "]");
export const LBrace = punctuation("LBrace", "{");
export const RBrace = punctuation("RBrace", "}");
export const Comma = punctuation("Comma", ",");
export const Colon = punctuation("Colon", ":");
export const Pipe = punctuation("Pipe", "|");
/** `advantage'`: the value in the transformed run of a metamorphic property. */
export const Prime = punctuation("Prime", "'");

const keywords = [
  Import, As, Group, By, Input, Param, Let, Fn, Metric, State, Update, In, Reward, Advantage, Keep, Weight, Batch,
  If, Then, Else, Match, True, False, Or, And, Not, BoolType, IntType, FloatType, StringType, Underscore,
  Property, Expect, Pair, Differ, Given, Transform, With,
];

/** Every keyword's spelling; a name the printer or a generator emits must avoid these unless a category allows it. */
export const KEYWORDS: readonly string[] = keywords.map((k) => k.PATTERN as string);

/**
 * Lexer order matters: the lexer takes the first pattern that matches, so a keyword that is a prefix of another
 * (`in` of `input`, `int`) must come after it; sorting by length does that for all of them at once.
 */
const keywordsLongestFirst = [...keywords].sort((a, b) => (b.PATTERN as string).length - (a.PATTERN as string).length);

const punctuationTokens = [
  DotDot, Dot, FatArrow, EqualEqual, NotEqual, LessEqual, GreaterEqual, Less, Greater, Equals, StarStar, Star, Slash,
  Percent, Plus, Minus, LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Colon, Pipe, Prime,
];

const categories = [NameWord, OutputName, ScalarType, NumberLiteral, ComparisonOp, AdditiveOp, MultiplicativeOp];

/** Everything the parser may see, categories included (Chevrotain needs them in the vocabulary). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ...keywordsLongestFirst,
  Identifier,
  FloatLiteral,
  IntLiteral,
  StringLiteral,
  ...punctuationTokens,
  ...categories,
];

export const rewardLexer = new Lexer(allTokens, { ensureOptimizations: true });
