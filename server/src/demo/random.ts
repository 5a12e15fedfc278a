/**
 * A small seeded PRNG (mulberry32) and the draws the demo generator needs. Each part of the demo
 * corp draws from its own stream (`createRng(seed, "orders")`), so changing the number of groups
 * does not reshuffle the customers. Never Math.random: the same seed must give the same corp.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [min, max] */
  int(min: number, max: number): number;
  /** uniform in [min, max) */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** picks items[i] with probability weights[i] / sum(weights) */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** standard normal (Box-Muller) */
  normal(): number;
  logNormal(mu: number, sigma: number): number;
  /** exponential with the given mean */
  exponential(mean: number): number;
  chars(n: number, alphabet: string): string;
  shuffle<T>(items: T[]): T[];
}

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const BASE64URL = BASE62 + "-_";
export const HEX = "0123456789abcdef";

/** FNV-1a over the label, mixed with the seed, so every stream starts somewhere else. */
function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createRng(seed: number, stream = ""): Rng {
  let state = streamSeed(seed, stream);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items, weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let u = next() * total;
      for (let i = 0; i < items.length; i++) {
        u -= weights[i];
        if (u < 0) return items[i];
      }
      return items[items.length - 1];
    },
    normal: () => {
      const u = 1 - next(); // (0, 1]
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    logNormal: (mu, sigma) => Math.exp(mu + sigma * rng.normal()),
    exponential: (mean) => -Math.log(1 - next()) * mean,
    chars: (n, alphabet) => {
      let s = "";
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return rng;
}

/**
 * Sampling proportional to many fixed weights: a prefix sum and a binary search, so that tens of
 * thousands of draws over thousands of weights stay cheap. `sampleRange` draws inside [from, to).
 */
export class Cumulative {
  private readonly prefix: Float64Array;

  constructor(weights: ArrayLike<number>) {
    this.prefix = new Float64Array(weights.length + 1);
    for (let i = 0; i < weights.length; i++) this.prefix[i + 1] = this.prefix[i] + weights[i];
  }

  get total(): number {
    return this.prefix[this.prefix.length - 1];
  }

  /** the summed weight of indexes [from, to) */
  mass(from: number, to: number): number {
    return this.prefix[to] - this.prefix[from];
  }

  sample(rng: Rng): number {
    return this.sampleRange(rng, 0, this.prefix.length - 1);
  }

  sampleRange(rng: Rng, from: number, to: number): number {
    const target = this.prefix[from] + rng.next() * (this.prefix[to] - this.prefix[from]);
    let lo = from,
      hi = to - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.prefix[mid + 1] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Draws until `make` returns a value not yet in `taken`, then remembers it. */
export function unique(taken: Set<string>, make: () => string): string {
  for (;;) {
    const value = make();
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
}
