/** What every benchmark of `npm run bench` shares: samples, percentiles, the table and the JSON file. */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);

export interface Row {
  readonly measure: string;
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly note?: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Runs `sample` `count` times; `sample` returns the milliseconds of the part being measured. */
export async function measure(
  name: string,
  sample: () => Promise<number>,
  note?: string,
  count = SAMPLES,
): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await sample());
  return rowOf(name, times, note);
}

/** The row of samples taken elsewhere (interleaved with another measure's, say), printed as it is made. */
export function rowOf(name: string, samples: readonly number[], note?: string): Row {
  const times = [...samples].sort((a, b) => a - b);
  const row = {
    measure: name,
    samples: times.length,
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    ...(note && { note }),
  };
  process.stderr.write(`  ${name}: p50 ${row.p50} ms, p95 ${row.p95} ms\n`);
  return row;
}

/** The milliseconds `work` takes. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The machine, for the record: results mean little without it. */
export function machine(): Record<string, string | number> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Prints the rows as a table on stdout and writes them, with the machine, to `file`. */
export function report(title: string, rows: readonly Row[], file: URL, extra: Record<string, unknown> = {}): void {
  const width = Math.max(...rows.map((row) => row.measure.length));
  process.stdout.write(
    `\n${title}\n${'measure'.padEnd(width)}  ${'p50 ms'.padStart(9)}  ${'p95 ms'.padStart(9)}  note\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `${row.measure.padEnd(width)}  ${String(row.p50).padStart(9)}  ${String(row.p95).padStart(9)}  ${row.note ?? ''}\n`,
    );
  }
  writeFileSync(file, `${JSON.stringify({ machine: machine(), ...extra, rows }, null, 2)}\n`);
  process.stdout.write(`Written to ${file.pathname}\n`);
}

/**
 * Samples of each of `samplers`, taken in turn (`a, b, a, b, …`, `count`
 * rounds), so that all of them see the same machine; each returns the
 * milliseconds of the part it measures.
 */
export async function interleaved(count: number, ...samplers: (() => Promise<number>)[]): Promise<number[][]> {
  const samples = samplers.map((): number[] => []);
  for (let round = 0; round < count; round++) {
    for (const [index, sample] of samplers.entries()) samples[index]?.push(await sample());
  }
  return samples;
}

/** `a`'s p50 over `b`'s, to three figures, as a comparison's note gives it: "2.41×". */
export function ratioOfP50(a: Row, b: Row): string {
  return `${Number((a.p50 / b.p50).toPrecision(3))}×`;
}

/** How much `a`'s p50 is over `b`'s, in percent to one decimal: 39.9 for 39.9% more. */
export function percentOverP50(a: Row, b: Row): number {
  return Math.round(((a.p50 - b.p50) / b.p50) * 1000) / 10;
}

/** The row of a measure that could not be taken here (no Docker, say), with the first line of why. */
export function unavailable(name: string, error: unknown): Row {
  const reason = String((error as Error)?.message ?? error).split('\n')[0];
  return { measure: name, samples: 0, p50: Number.NaN, p95: Number.NaN, note: `unavailable: ${reason}` };
}

/** A sampler of one hand-out of `pool`: its `acquire` timed, the release after it not. */
export function handOutTime(pool: {
  acquire(): Promise<{ readonly name: string }>;
  release(name: string): Promise<void>;
}): () => Promise<number> {
  return async () => {
    let name = '';
    const elapsed = await timed(async () => {
      name = (await pool.acquire()).name;
    });
    await pool.release(name);
    return elapsed;
  };
}
