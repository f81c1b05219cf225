/**
 * A scratch TypeScript project the way a user has one: `package.json` with `"type": "module"` and rewardc
 * installed in `node_modules` (a symlink to this package, so "rewardc" resolves to the built dist/ through the
 * package's `exports`, for the type checker and for Node alike). Needs `npm run build` first.
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";

export const root = join(import.meta.dirname, "../..");

/** The strictest settings a demanding user might have: the generated code must pass all of them. */
export const STRICT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

export function scratchProject(): string {
  if (!existsSync(join(root, "dist/src/index.d.ts"))) throw new Error("build the package first: npm run build");
  const dir = mkdtempSync(join(tmpdir(), "rewardc-bindings-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules/rewardc"), "dir");
  return dir;
}

export interface Problem {
  file: string;
  code: number;
  message: string;
}

/** Type-checks the given files of a scratch project together: every problem, with its file name and TS error code. */
export function typeCheck(dir: string, files: string[]): Problem[] {
  const program = ts.createProgram(files.map((f) => join(dir, f)), STRICT_OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? d.file.fileName.slice(dir.length + 1) : "",
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

/** Writes `NAME.ts` and its transpiled `NAME.js` beside it. */
export function writeModule(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, `${name}.ts`), text);
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } });
  writeFileSync(join(dir, `${name}.js`), js.outputText);
}
