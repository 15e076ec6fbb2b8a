/**
 * The testcontainers provider's error, in a module of its own: the provider
 * itself imports `testcontainers`, an optional peer, and the package's entry
 * points export this class whether or not that peer is installed.
 */

/** Docker is unreachable, or the container could not be created or started; the message says what to do. */
export class TestcontainersServerError extends Error {
  override name = 'TestcontainersServerError';
}
