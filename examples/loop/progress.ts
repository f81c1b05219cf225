/**
 * A one-line progress bar on a terminal (redrawn in place), or one plain line every `every` steps when the
 * output is a file or a CI log, where carriage returns would pile up.
 */
export class ProgressBar {
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 28,
    private readonly every = 10,
  ) {}

  update(done: number, status: string): void {
    const elapsed = (Date.now() - this.started) / 1000;
    if (this.stream.isTTY) {
      const filled = Math.round((done / this.total) * this.width);
      const bar = "█".repeat(filled) + "░".repeat(this.width - filled);
      this.stream.write(`\r${bar} ${String(done).padStart(String(this.total).length)}/${this.total} ${elapsed.toFixed(1)}s ${status}\x1b[K`);
      if (done === this.total) this.stream.write("\n");
    } else if (done % this.every === 0 || done === this.total) {
      this.stream.write(`step ${done}/${this.total} ${status}\n`);
    }
  }
}
