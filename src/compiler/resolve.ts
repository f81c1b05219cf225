/**
 * Resolve: load a spec and the files it imports (plus the standard library), and build one symbol table
 * per file. Reports duplicate definitions (labelled at both places), import failures and cycles, and
 * items that are not allowed where they stand. Types and levels are the checker's business.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import { error, type Diagnostic, type Span } from "../diagnostics/diagnostic.js";
import type { SourceMap } from "../diagnostics/sourceMap.js";
import type { FnItem, GroupByItem, Ident, InputItem, Item, LetItem, MetricItem, OutputItem, OutputName, ParamItem, Program, PropertyItem, StateItem, UpdateItem } from "../parser/ast.js";
import { parse } from "../parser/parse.js";
import { displayPath } from "../diagnostics/render.js";
import { stdlibPath } from "../paths.js";
import { TEXT_NAMESPACE } from "./text.js";
import { CONSTANTS, ELEMENTWISE_BY_NAME, STRUCTURED_BUILTINS, CASTS } from "./builtins.js";

export type ValueItem = InputItem | ParamItem | LetItem | StateItem;

export interface Scope {
  file: string;
  program: Program;
  /** Inputs, params, lets and states share one namespace. */
  values: Map<string, ValueItem>;
  fns: Map<string, FnItem>;
  outputs: Map<OutputName, OutputItem>;
  metrics: Map<string, MetricItem>;
  updates: Map<string, UpdateItem>;
  /** `property` items, checked by `rewardc test`. */
  properties: Map<string, PropertyItem>;
  groupBy: GroupByItem | null;
  /** Import alias -> the imported file's scope; `std` is always present except inside the library itself. */
  imports: Map<string, Scope>;
}

/** Reads a file's text; tests and the API substitute their own to compile from strings. */
export type FileReader = (path: string) => string;

export const readFromDisk: FileReader = (path) => readFileSync(path, "utf8");

export const STD_ALIAS = "std";

export function resolveProgram(entry: Program, sources: SourceMap, readFile: FileReader = readFromDisk): { scope: Scope; diagnostics: Diagnostic[] } {
  const resolver = new Resolver(sources, readFile);
  const std = resolver.loadStd();
  const scope = resolver.buildEntryScope(entry, std);
  return { scope, diagnostics: resolver.diagnostics };
}

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  private readonly loaded = new Map<string, Scope | null>();
  private readonly loading: string[] = [];
  private std: Scope | null = null;

  constructor(
    private readonly sources: SourceMap,
    private readonly readFile: FileReader,
  ) {}

  loadStd(): Scope | null {
    const path = stdlibPath();
    this.std = this.loadFile(path, { file: path, start: 0, end: 0 }, true);
    return this.std;
  }

  /** The spec's own scope. The entry file counts as loading, so an import that leads back to it is a cycle, not a second copy. */
  buildEntryScope(entry: Program, std: Scope | null): Scope {
    this.loading.push(resolvePath(entry.file));
    const scope = this.buildScope(entry, std, false);
    this.loading.pop();
    return scope;
  }

  buildScope(program: Program, std: Scope | null, isLibrary: boolean): Scope {
    const scope: Scope = {
      file: program.file,
      program,
      values: new Map(),
      fns: new Map(),
      outputs: new Map(),
      metrics: new Map(),
      updates: new Map(),
      properties: new Map(),
      groupBy: null,
      imports: new Map(),
    };
    if (std && std.file !== program.file) scope.imports.set(STD_ALIAS, std);
    const importSpans = new Map<string, Span>();
    for (const item of program.items) {
      if (isLibrary && item.kind !== "Fn" && item.kind !== "Import") {
        this.diagnostics.push(
          error("R0109", "an imported file may define only functions and imports", item.span, `this ${describe(item)} is not allowed in a library`, {
            help: "move it into the spec that imports this file",
          }),
        );
        continue;
      }
      switch (item.kind) {
        case "Import": {
          const alias = item.alias.name;
          if (alias === STD_ALIAS) {
            this.diagnostics.push(error("R0107", "`std` is the standard library's name", item.alias.span, "choose another alias"));
            break;
          }
          if (alias === TEXT_NAMESPACE) {
            this.diagnostics.push(error("R0107", "`text` is the namespace of the text functions (`text.matches`, ...)", item.alias.span, "choose another alias"));
            break;
          }
          const earlier = importSpans.get(alias);
          if (earlier) {
            this.duplicate("import alias", item.alias, earlier);
            break;
          }
          importSpans.set(alias, item.alias.span);
          const path = resolvePath(dirname(program.file), item.path);
          const imported = this.loadFile(path, item.pathSpan, false);
          if (imported) scope.imports.set(alias, imported);
          break;
        }
        case "GroupBy":
          if (scope.groupBy) {
            this.diagnostics.push(
              error("R0109", "a spec has one `group by`", item.span, "second `group by`", {
                labels: [
                  { span: item.span, message: "second `group by`", primary: true },
                  { span: scope.groupBy.span, message: "first one here", primary: false },
                ],
              }),
            );
          } else scope.groupBy = item;
          break;
        case "Input":
        case "Param":
        case "Let":
        case "State":
          this.define(scope.values, item, item.name);
          break;
        case "Fn":
          this.checkParams(item);
          if (ELEMENTWISE_BY_NAME.has(item.name.name) || STRUCTURED_BUILTINS.has(item.name.name) || CASTS.has(item.name.name)) {
            this.diagnostics.push(error("R0107", `\`${item.name.name}\` is a built-in function`, item.name.span, "choose another name"));
          } else this.define(scope.fns, item, item.name);
          break;
        case "Output":
          this.define(scope.outputs as Map<string, OutputItem>, item, item.target);
          break;
        case "Metric":
          this.define(scope.metrics, item, item.name);
          break;
        case "Update":
          this.define(scope.updates, item, item.name, "update of");
          break;
        case "Property":
          this.define(scope.properties, item, item.name, "property");
          break;
      }
    }
    for (const [name, item] of scope.values) {
      if (CONSTANTS.has(name)) this.diagnostics.push(error("R0107", `\`${name}\` is a built-in constant`, item.name.span, "choose another name"));
      if (CASTS.has(name)) this.diagnostics.push(error("R0107", `\`${name}\` is a type name`, item.name.span, "choose another name"));
    }
    return scope;
  }

  /** Parameter names must differ, and a parameter's type is a scalar: the argument brings its level and shape. */
  private checkParams(fn: FnItem): void {
    const seen = new Map<string, Span>();
    for (const param of fn.params) {
      const earlier = seen.get(param.name.name);
      if (earlier) this.duplicate(`parameter \`${param.name.name}\` of \`${fn.name.name}\``, param.name, earlier);
      else seen.set(param.name.name, param.name.span);
      if (param.type?.shape) {
        this.diagnostics.push(
          error("R0201", "function parameters take scalar types; levels and arrays come from the arguments", param.type.span, "not a scalar type", {
            help: `write \`${param.name.name}: ${param.type.scalar}\`; a function is generic in levels, so an array argument works as it is`,
          }),
        );
      }
    }
  }

  private define<T extends Item>(table: Map<string, T>, item: T, name: Ident, what = "definition of"): void {
    const earlier = table.get(name.name);
    if (earlier) this.duplicate(`${what} \`${name.name}\``, name, nameSpan(earlier));
    else table.set(name.name, item);
  }

  private duplicate(what: string, name: Ident, earlier: Span): void {
    this.diagnostics.push({
      severity: "error",
      code: "R0102",
      message: `duplicate ${what}`,
      labels: [
        { span: name.span, message: "defined again here", primary: true },
        { span: earlier, message: "first defined here", primary: false },
      ],
      notes: [],
      help: "rename one of them or remove the second",
    });
  }

  private loadFile(path: string, importedAt: Span, isStd: boolean): Scope | null {
    if (this.loaded.has(path)) return this.loaded.get(path) ?? null;
    if (this.loading.includes(path)) {
      const cycle = [...this.loading.slice(this.loading.indexOf(path)), path].map(displayPath);
      this.diagnostics.push(error("R0105", "import cycle", importedAt, "this import leads back to a file that is still loading", { notes: [`cycle: ${cycle.join(" -> ")}`] }));
      return null;
    }
    let text: string;
    try {
      text = this.readFile(path);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
      this.diagnostics.push(error("R0105", `cannot read \`${displayPath(path)}\`: ${reason}`, importedAt, isStd ? "" : "imported here"));
      this.loaded.set(path, null);
      return null;
    }
    this.sources.add(path, text);
    this.loading.push(path);
    const { program, diagnostics } = isStd ? parseStd(path, text) : parse(path, text);
    this.diagnostics.push(...diagnostics);
    const scope = program ? this.buildScope(program, isStd ? null : this.std, true) : null;
    this.loading.pop();
    this.loaded.set(path, scope);
    return scope;
  }
}

/** The standard library's parse, kept across compiles (ASTs are never mutated); re-parsed when its text changes. */
let stdParse: { path: string; text: string; result: ReturnType<typeof parse> } | null = null;

function parseStd(path: string, text: string): ReturnType<typeof parse> {
  if (stdParse === null || stdParse.path !== path || stdParse.text !== text) stdParse = { path, text, result: parse(path, text) };
  return stdParse.result;
}

function nameSpan(item: Item): Span {
  switch (item.kind) {
    case "Output":
      return item.target.span;
    case "Import":
      return item.alias.span;
    case "GroupBy":
      return item.key.span;
    default:
      return item.name.span;
  }
}

function describe(item: Item): string {
  const words: Record<Item["kind"], string> = {
    Import: "import",
    GroupBy: "`group by`",
    Input: "input",
    Param: "param",
    Let: "let",
    Fn: "function",
    Output: "output",
    Metric: "metric",
    State: "state",
    Update: "update",
    Property: "property",
  };
  return words[item.kind];
}
