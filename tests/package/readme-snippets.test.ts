/**
 * The README's "Use it in your project" snippets are the consumer project's
 * files, which consumer.test.ts runs from the packed package on every Node
 * line: each snippet names its file on its first line (`// vitest.config.js`),
 * and every other line of it must appear in that file, in the same order. A
 * snippet may leave lines out (the README shows three of the file's tests);
 * it may not say anything the file does not.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/run-cli.ts';

const CONSUMER = join(PROJECT_ROOT, 'tests', 'package', 'consumer');

interface Snippet {
  readonly file: string;
  readonly lines: readonly string[];
}

/** The code blocks of `section` whose first line is `// <a file of the consumer project>`. */
function snippetsOf(readme: string, section: string): Snippet[] {
  const start = readme.indexOf(`\n## ${section}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end);
  return [...text.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].flatMap((match) => {
    const [first = '', ...rest] = (match[1] ?? '').split('\n');
    const file = /^\/\/ ([\w./-]+\.(?:js|mjs|ts))\b/.exec(first)?.[1];
    return file ? [{ file, lines: rest.filter((line) => line.trim() !== '') }] : [];
  });
}

/** The first line of `lines` that is not found in `source` after the ones before it; undefined when all are. */
function firstLineNotInOrder(lines: readonly string[], source: string): string | undefined {
  const fileLines = source.split('\n');
  let at = 0;
  for (const line of lines) {
    const found = fileLines.indexOf(line, at);
    if (found < 0) return line;
    at = found + 1;
  }
  return undefined;
}

describe("the README's snippets", async () => {
  const snippets = snippetsOf(await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8'), 'Use it in your project');

  it('name the consumer files they come from', () => {
    expect(snippets.map((snippet) => snippet.file)).toEqual([
      'vitest.config.js',
      'tests/learners.test.ts',
      'node-test/learners.test.mjs',
    ]);
  });

  it.each(snippets)('$file says only what that file says, in its order', async ({ file, lines }) => {
    const source = await readFile(join(CONSUMER, file), 'utf8');

    expect(firstLineNotInOrder(lines, source), `a line of the README's ${file} that the file lacks`).toBeUndefined();
  });
});
