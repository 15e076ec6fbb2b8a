/**
 * The oldest Node.js the package runs on. Every entry point checks it first,
 * so that an older Node fails with one line naming the minimum instead of a
 * syntax or API error deep in a dependency.
 */
const MINIMUM = [22, 12] as const;

/** Why this Node.js will not do, or `undefined` when it will. */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) return undefined;
  return `@ctoprojects/fixtures needs Node.js ${MINIMUM.join('.')} or newer; this is Node.js ${version}: install a newer Node.js (22.12, 24 or 26).`;
}

/** Throws on a Node.js older than the minimum. */
export function assertNodeVersion(): void {
  const problem = nodeVersionProblem();
  if (problem) throw new Error(problem);
}
