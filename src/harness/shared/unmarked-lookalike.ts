/**
 * A database or schema named like the harness's template that does not carry
 * the harness's marker is someone else's, whatever its name says: the harness
 * neither uses it nor drops it, and says how to get it out of the way.
 */
import { quoteIdentifier } from '../../sql/quote-identifier.ts';

export class UnmarkedLookalikeError extends Error {
  override name = 'UnmarkedLookalikeError';

  /** `server`: where it is, as `host:port` (a schema's adds `, database <name>`). */
  constructor(kind: 'database' | 'schema', name: string, server: string) {
    const quoted = quoteIdentifier(name);
    const rename = `ALTER ${kind.toUpperCase()} ${quoted} RENAME TO ${quoteIdentifier(`${name}_saved`)}`;
    const drop = kind === 'database' ? `DROP DATABASE ${quoted}` : `DROP SCHEMA ${quoted} CASCADE`;
    super(
      `The ${kind} ${name} on ${server} is named like the harness's template, but does not carry the harness's marker, ` +
        `so it is not the harness's: the harness will neither use nor drop it. ` +
        `Rename it (${rename}) or, if you are sure nothing in it is needed, drop it yourself (${drop}); then run again.`,
    );
  }
}

/** `host:port` of `url`, for messages: no user, no password. */
export function serverOf(url: URL): string {
  return `${url.hostname}:${url.port || '5432'}`;
}
