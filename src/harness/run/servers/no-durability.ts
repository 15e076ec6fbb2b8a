/**
 * A throwaway server loses nothing worth keeping in a crash, so it skips the
 * work that guards against one: the settings every server the harness starts
 * for itself runs with (a local cluster, a container).
 */
export const NO_DURABILITY = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] as const;

/** The same, as `postgres` command-line arguments: `-c fsync=off -c …`. */
export const noDurabilityArgs = (): string[] => NO_DURABILITY.flatMap((setting) => ['-c', setting]);
