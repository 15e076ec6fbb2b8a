/**
 * Values derived from a key, not drawn from a stream: the idea behind
 * Copycat. Every field of every record hashes (seed, factory, index, field)
 * into its own random state, so one extra record, field or trait somewhere
 * else changes nothing here, and the same test builds the same data every run.
 *
 * Hashing is a 32-bit mix (cyrb53's multipliers, MurmurHash3's finaliser)
 * rather than node:crypto: a bulk build of 10,000 rows derives ~50,000
 * values, and SHA-256 per value would cost more than inserting them.
 */

/** A 32-bit hash of `text`, continuing from `seed`. */
export function hashText(text: string, seed = 0): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
    h = (h << 13) | (h >>> 19);
  }
  return finalise(h ^ text.length);
}

/** A 32-bit hash of a few integers. */
export function hashNumbers(...values: number[]): number {
  let h = 0x2545f491;
  for (const value of values) {
    h = Math.imul(h ^ (value >>> 0), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593);
  }
  return finalise(h ^ values.length);
}

function finalise(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A small, fast generator (sfc32) in the shape of faker's `Randomizer`.
 * Reseeding costs four assignments, where faker's Mersenne Twister
 * re-initialises 624 words: we reseed for every single field.
 */
export class DerivedRandomizer {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 1;

  // Arrow properties: faker calls both as plain functions, not as methods.
  seed = (seed: number | number[]): void => {
    const [a = 0, b = 0x6a09e667, c = 0xbb67ae85, d = 1] = Array.isArray(seed) ? seed : [seed];
    this.#a = a >>> 0;
    this.#b = b >>> 0;
    this.#c = c >>> 0;
    this.#d = d >>> 0;
    // Warm up so that nearby seeds diverge before the first draw.
    for (let i = 0; i < 8; i++) this.next();
  };

  /** A float in [0, 1). */
  next = (): number => {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A version-4-shaped UUID whose 122 random bits come from the key's hashes. */
export function derivedUuid(key: number): string {
  const words = [hashNumbers(key, 1), hashNumbers(key, 2), hashNumbers(key, 3), hashNumbers(key, 4)];
  const hex = words.map((word) => word.toString(16).padStart(8, '0')).join('');
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
