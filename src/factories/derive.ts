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

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Eight hex digits of a 32-bit word (a table lookup per byte: 10,000-row builds derive 20,000 of these). */
const hex32 = (word: number): string =>
  (HEX[word >>> 24] as string) + HEX[(word >>> 16) & 0xff] + HEX[(word >>> 8) & 0xff] + HEX[word & 0xff];

/** A version-4-shaped UUID whose 122 random bits come from the key's hashes. */
export function derivedUuid(key: number): string {
  const a = hex32(hashNumbers(key, 1));
  // Version 4 in the third group's first digit, variant 10xx in the fourth's.
  const b = hex32(((hashNumbers(key, 2) & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex32(((hashNumbers(key, 3) & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex32(hashNumbers(key, 4));
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}
