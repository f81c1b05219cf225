/**
 * Every diagnostic code rewardc can emit, with a one-line title. Tests hold one error fixture per code
 * (test/fixtures/errors/), and docs/diagnostics.md is written from this table.
 */
export const DIAGNOSTIC_CODES = {
  // syntax
  R0001: "unexpected character",
  R0002: "syntax error, or an expression nested too deeply",
  R0003: "invalid number literal",
  // names
  R0101: "undefined name",
  R0102: "duplicate definition",
  R0103: "unknown function",
  R0104: "wrong number of arguments",
  R0105: "import cannot be loaded",
  R0106: "recursive definition",
  R0107: "reserved name",
  R0108: "unknown named argument",
  R0109: "invalid spec structure",
  // types and levels
  R0201: "type mismatch",
  R0202: "argument type mismatch",
  R0203: "value at the wrong level",
  R0204: "ragged axes do not match",
  R0205: "output at the wrong level or type",
  R0206: "condition is not a bool",
  R0207: "match is not exhaustive",
  R0208: "missing `reward` output",
  R0209: "invalid range",
  R0210: "group reduction without `group by`",
  R0211: "state update error",
  R0212: "value must be a constant",
  R0213: "invalid property",
  R0214: "string used outside `text.*` functions and `==`/`!=`",
  R0215: "invalid string argument (pattern, flags, needle or escape)",
  // warnings
  W0301: "unused input",
  W0302: "unreachable match arm",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
