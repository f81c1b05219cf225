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

  /** 1-based line and column (column counted in characters) of an offset. */
  position(file: string, offset: number): { line: number; column: number } {
    const starts = this.starts(file);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
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
