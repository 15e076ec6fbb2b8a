/** The databases one engine session works with: the one it migrates or reads, and its shadow. */
export interface EngineDatabases {
  /** The database the engine works on. */
  readonly url: URL;
  /** A database the engine may wipe freely; a temporary one on the main server when absent. */
  readonly shadowUrl?: URL | undefined;
  /** Connect read-only: the engine may look at `url` but PostgreSQL refuses any write. */
  readonly readOnly?: boolean;
}
