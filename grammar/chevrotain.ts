/**
 * Chevrotain's runtime values, loaded from the single-file ESM bundle the package ships beside its module tree.
 * The package's main entry is a tree of 100+ modules that takes ~0.4 s to load, most of `rewardc check`'s cold
 * start; the bundle (same package, same version) loads in under 0.1 s. Types still come from "chevrotain".
 * Everything in rewardc that needs a Chevrotain value imports it from here, so only one copy is ever loaded.
 */
import type * as Chevrotain from "chevrotain";

const bundle = new URL("../chevrotain.mjs", import.meta.resolve("chevrotain"));
const chevrotain = (await import(bundle.href)) as typeof Chevrotain;

export const { createToken, CstParser, EOF, Lexer, tokenMatcher } = chevrotain;
