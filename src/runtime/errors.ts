/**
 * Errors the runtime reports to users: bad batches, bad parameter overrides, bad saved state. They carry a
 * message meant to be printed as is. A violated IR invariant is not one of these: it is an `InternalError`.
 */

export class RuntimeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuntimeInputError";
  }
}

/** One problem in one input row. `line` is 1-based; `field` is "" when the problem concerns the whole row. */
export interface RowError {
  line: number;
  field: string;
  message: string;
}

/** At most this many errors are reported one by one; the rest are summed up as `... and N more`. */
export const MAX_REPORTED_ERRORS = 20;

/** Collects errors up to the cap and counts the rest, so a file of a million bad rows stays cheap. */
export class ErrorSink {
  readonly errors: RowError[] = [];
  private omitted = 0;
  private firstOmittedLine = 0;

  get count(): number {
    return this.errors.length + this.omitted;
  }

  /** True once further messages would not be reported (callers may skip building them). */
  get full(): boolean {
    return this.errors.length >= MAX_REPORTED_ERRORS;
  }

  add(line: number, field: string, message: string): void {
    if (this.full) {
      if (this.omitted === 0) this.firstOmittedLine = line;
      this.omitted++;
    } else {
      this.errors.push({ line, field, message });
    }
  }

  /** The reported errors, plus one `... and N more` entry (at the first omitted line) when some were left off. */
  finish(): RowError[] {
    if (this.omitted === 0) return this.errors;
    return [...this.errors, { line: this.firstOmittedLine, field: "", message: `... and ${this.omitted} more` }];
  }
}

/** `line 3: field \`x\`: expected float, found "a"`, one error a line. */
export function formatRowErrors(errors: readonly RowError[]): string {
  return errors.map((e) => (e.message.startsWith("... and ") ? e.message : `line ${e.line}: ${e.message}`)).join("\n");
}

/** A short, safe rendering of any value for messages: never throws (BigInt, cycles, symbols). */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
    case "number":
    case "boolean":
      return String(v);
    case "bigint":
      return `${v}n`;
    case "undefined":
      return "undefined";
    case "object":
      if (v === null) return "null";
      return Array.isArray(v) ? "an array" : "an object";
    default:
      return `a ${typeof v}`;
  }
}
