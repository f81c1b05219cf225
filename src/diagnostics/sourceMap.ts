/** Source texts by file name, so a span can be turned back into line, column and a code frame. */
export class SourceMap {
  private readonly texts = new Map<string, string>();
  private readonly lineStarts = new Map<string, number[]>();

  add(file: string, text: string): void {
    this.texts.set(file, text);
    this.lineStarts.delete(file);
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  /**
   * 1-based line and column of an offset (a UTF-16 index, as spans are). The column counts code points, as
   * editors do: an emoji before the offset is one column, not two.
   */
  position(file: string, offset: number): { line: number; column: number } {
    const starts = this.starts(file);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: codePoints(this.texts.get(file) ?? "", starts[lo]!, offset) + 1 };
  }

  /** The offset at which a 1-based line starts. */
  lineStart(file: string, line: number): number {
    return this.starts(file)[line - 1] ?? (this.texts.get(file) ?? "").length;
  }

  /** The text of a 1-based line, without its line terminator. */
  line(file: string, line: number): string {
    const text = this.texts.get(file) ?? "";
    const starts = this.starts(file);
    const start = starts[line - 1] ?? text.length;
    const next = starts[line];
    const end = next === undefined ? text.length : next - 1;
    return text.slice(start, end).replace(/\r$/, "");
  }

  private starts(file: string): number[] {
    let starts = this.lineStarts.get(file);
    if (!starts) {
      const text = this.texts.get(file) ?? "";
      starts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    return starts;
  }
}

/** The number of code points in `text` between two UTF-16 offsets: a surrogate pair counts once. */
export function codePoints(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    const continuesPair = unit >= 0xdc00 && unit <= 0xdfff && i > from && isHighSurrogate(text.charCodeAt(i - 1));
    if (!continuesPair) count++;
  }
  return count;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
