/**
 * Property testing of reward definitions, for users' own test suites (with vitest and fast-check):
 *
 *   const { module } = compileFile("my.reward");
 *   fc.assert(fc.property(arbitraryBatch(module!, { groupSize: [2, 8] }), (rows) => { ... }));
 *   await assertProperty(module!, "bounded");           // a property of the file, or a built-in law
 *   const results = await checkProperties(module!, { seed: 42, runs: 200 });
 */
export {
  arbitraryBatch,
  arbitraryPairBatch,
  arbitraryRollout,
  arbitraryValue,
  settingsOf,
  DEFAULT_GROUPS,
  DEFAULT_GROUP_SIZE,
  DEFAULT_LENGTH,
  type BatchSettings,
  type PairBatch,
  type Row,
} from "./arbitraries.js";
export { arbitraryText, arbitraryTexts, patternSample, shiftDigits, specLiterals } from "./arbitraryText.js";
export {
  assertProperty,
  checkProperties,
  propertyNames,
  randomSeed,
  BUILTIN_LAWS,
  DEFAULT_RUNS,
  type BuiltinLaw,
  type CheckOptions,
  type Counterexample,
  type PropertyResult,
} from "./check.js";
export { close, PERMUTATION_TOLERANCE, type Violation } from "./laws.js";
export { backendDisagreements, BACKEND_TOLERANCE, type Disagreement } from "./agreement.js";
export { counterexampleJsonl, counterexampleTable, stringCell } from "./report.js";
