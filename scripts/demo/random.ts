/** Seeded randomness for the demo data: the whole output hangs on its seed. */

/** What a shuffle works on: plain arrays and typed arrays alike. */
interface Shufflable<T> {
  length: number;
  [index: number]: T;
}

/** mulberry32: tiny, fast and good enough for demo data. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * A stream of its own for the `n`th thing of a kind (a notice's wording, say): what it
   * draws does not depend on how many numbers other streams drew before it.
   */
  static forItem(seed: number, n: number): Random {
    // murmur3's finaliser spreads neighbouring (seed, n) pairs over the whole state space.
    let h = (seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return new Random((h ^ (h >>> 16)) >>> 0);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** min to max distinct items, in their original order. */
  subset<T>(items: readonly T[], min: number, max: number): T[] {
    const count = Math.min(items.length, this.int(min, max));
    const chosen = this.shuffle(items.map((_, i) => i)).slice(0, count);
    return chosen.sort((a, b) => a - b).map((i) => items[i]!);
  }

  shuffle<T, Items extends Shufflable<T>>(items: Items): Items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const kept = items[i]!;
      items[i] = items[j]!;
      items[j] = kept;
    }
    return items;
  }
}

export class WeightedTable<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    items.forEach((item, i) => {
      sum += weight(item);
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low]!;
  }
}

/** One of a few weighted entries, drawn as WeightedTable would, without building one. */
export function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of entries) total += weight;
  let target = random.next() * total;
  for (const [value, weight] of entries) {
    if (target < weight) return value;
    target -= weight;
  }
  return entries[entries.length - 1]![0];
}

/** A list of whole numbers that grows without holding a JS object per entry. */
export class IntList {
  private values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(index: number): number {
    return this.values[index]!;
  }

  /** The entries as a typed array of their own (a copy, safe to shuffle). */
  toArray(): Int32Array {
    return this.values.slice(0, this.length);
  }
}
