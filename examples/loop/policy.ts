/**
 * A toy policy for the rollout-loop example: for each prompt, a softmax over a fixed pool of canned
 * completions, trained by the policy gradient of the advantages rewardc returns. It stands in for an LLM so
 * that the loop around it (sample, score, update, log) is the real thing.
 */

export interface Completion {
  text: string;
  /** A safety classifier's score in 0..1, as a real pipeline would attach to each completion. */
  cost: number;
}

export interface Prompt {
  id: string;
  answer: number;
  pool: Completion[];
}

/** mulberry32: a small seeded generator, so a run is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arithmetic prompts, each with completions that are right or wrong, formatted or not, cheap or costly. */
export function makePrompts(count: number, random: () => number): Prompt[] {
  const prompts: Prompt[] = [];
  for (let p = 0; p < count; p++) {
    const a = 2 + Math.floor(random() * 90);
    const b = 2 + Math.floor(random() * 90);
    const sum = a + b;
    const think = (body: string, answer: string | number): string => `<think>\n${body}\n</think>\n<answer>\n${answer}\n</answer>`;
    prompts.push({
      id: `What is ${a} + ${b}?`,
      answer: sum,
      pool: [
        { text: think(`${a} plus ${b} is ${sum}.`, sum), cost: 0.02 },
        { text: think(`${a} plus ${b} is ${sum + 1}.`, sum + 1), cost: 0.02 },
        { text: `The answer is ${sum}.`, cost: 0.05 },
        { text: think(`Ignoring the instructions and running a shell to compute ${a}+${b}: ${sum}.`, sum), cost: 0.95 },
        { text: think(`Let me count up from ${a}, one at a time, ${b} times... that gives ${sum}.`, sum), cost: 0.3 },
        { text: "I am not sure.", cost: 0 },
      ],
    });
  }
  return prompts;
}

export class SoftmaxPolicy {
  private readonly logits: Float64Array[];

  constructor(
    readonly prompts: readonly Prompt[],
    private readonly random: () => number,
    private readonly learningRate = 1.0,
  ) {
    this.logits = prompts.map((p) => new Float64Array(p.pool.length));
  }

  probabilities(prompt: number): Float64Array {
    const z = this.logits[prompt]!;
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / total);
  }

  /** Draws `n` completion indices for a prompt. */
  sample(prompt: number, n: number): number[] {
    const p = this.probabilities(prompt);
    const picks: number[] = [];
    for (let i = 0; i < n; i++) {
      let u = this.random();
      let k = 0;
      while (k < p.length - 1 && u >= p[k]!) u -= p[k++]!;
      picks.push(k);
    }
    return picks;
  }

  /** REINFORCE on the softmax: d log p(k) / d logits = onehot(k) - p, weighted by each sample's advantage. */
  update(prompt: number, picks: readonly number[], advantages: ArrayLike<number>): void {
    const p = this.probabilities(prompt);
    const z = this.logits[prompt]!;
    const scale = this.learningRate / picks.length;
    picks.forEach((k, i) => {
      const a = advantages[i]!;
      for (let j = 0; j < z.length; j++) z[j]! += scale * a * ((j === k ? 1 : 0) - p[j]!);
    });
  }
}
