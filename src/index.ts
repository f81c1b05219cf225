/** The library API: compile specs, build batches, score them in sessions. */
export { compileFile, compileSource, type CompileOptions, type CompileResult } from "./compiler/compile.js";
export type { IrModule, InputDecl, ParamDecl, StateDecl, OutputDecl, Level, Scalar, CheckDecl, PropertyDecl, PropertySettings, LawInput, TextInputDecl, TextExpr, TextFeature } from "./compiler/ir.js";
export { printIr } from "./compiler/printIr.js";
export type { Diagnostic, Label, Span } from "./diagnostics/diagnostic.js";
export { renderDiagnostics, diagnosticsToJson } from "./diagnostics/render.js";
export * from "./runtime/index.js";
export * from "./testing/index.js";
export { withoutChecks } from "./compiler/passes/removeDeadCode.js";
export { ARTIFACT_FORMAT, ARTIFACT_VERSION, parseArtifact, serializeArtifact, type Artifact } from "./runtime/artifact.js";
export { artifactChecksum, BINDINGS_LAYOUT, loadEmbeddedSpec, openTypedScorer, type EmbeddedSpec, type Scored, type TypedScorer, type TypedScorerOptions } from "./bindings/scorer.js";
export { startServer, StateNotSavedError, type RunningServer, type ServerAddress, type ServerOptions } from "./server/server.js";
