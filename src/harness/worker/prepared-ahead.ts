/**
 * Databases (or schemas) made ahead in the background, so that a process that
 * asks for several rarely waits for one. Bounded by use: nothing is made ahead
 * until the process has asked twice, and then at most `size`. A Vitest worker
 * usually runs one file and asks once; making two ahead for each is what
 * left 54 clones on a server for 8 workers.
 */
export class PreparedAhead {
  readonly #size: number;
  readonly #make: () => Promise<string>;
  readonly #ready: Promise<string>[] = [];
  #taken = 0;
  #closed = false;

  /** `size`: how many to keep ready once asked twice; 0 makes each on demand. */
  constructor(size: number, make: () => Promise<string>) {
    this.#size = size;
    this.#make = make;
  }

  /** One made ahead, or one made now. */
  take(): Promise<string> {
    const next = this.#ready.shift() ?? this.#make();
    this.#taken += 1;
    if (this.#taken > 1) this.#refill();
    return next;
  }

  #refill(): void {
    while (!this.#closed && this.#ready.length < this.#size) {
      const made = this.#make();
      made.catch(() => {}); // surfaced to whoever takes it
      this.#ready.push(made);
    }
  }

  /** Stops making more; resolves to those made ahead and never taken, for the caller to drop. */
  async drain(): Promise<string[]> {
    this.#closed = true;
    const made = await Promise.allSettled(this.#ready.splice(0));
    return made.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }
}
