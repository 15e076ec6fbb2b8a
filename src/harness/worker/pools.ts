/**
 * This process's pools for the current run, one per isolation mode, made on
 * first use. Inside a run set up once for all workers (the Vitest global
 * setup writes FIXTURES_HARNESS), they use that run's server and template; on
 * its own, the process sets up a run on first use and tears it down when it
 * is about to exit.
 */
import { redactPasswords } from '../../config/database-url.ts';
import { OptionError } from '../../config/option-error.ts';
import { oneOf } from '../../config/option-values.ts';
import { type ConnectionTarget, explainConnectionError } from '../../sql/explain-connection-error.ts';
import { checkHarnessVariables, startRun } from '../run/index.ts';
import { currentOwnerTag } from '../shared/owner-tag.ts';
import { adminUrlOf, connectionTarget, type RunSetup, runSetupFromEnv } from '../shared/run-channel.ts';
import { ClonePool, copyStrategyFor } from './clone-pool.ts';
import { type DatabasePool, ISOLATIONS, type Isolation } from './isolation.ts';
import { SchemaPool } from './schema-pool.ts';

let run: Promise<RunSetup> | undefined;
const pools = new Map<Isolation, Promise<DatabasePool>>();

function runSetup(): Promise<RunSetup> {
  run ??= (async () => {
    // A worker of a run set up elsewhere checks them too: its environment may differ from the global setup's.
    checkHarnessVariables();
    const fromEnv = runSetupFromEnv();
    if (fromEnv) return fromEnv;
    const started = await startRun();
    // Started here, so stopped here: when nothing is left to do, not after every database.
    process.once('beforeExit', () => {
      void closeRunPools().finally(started.stop);
    });
    return started.setup;
  })();
  return run;
}

/** This run's pool for `isolation`. */
export function runPool(isolation: Isolation): Promise<DatabasePool> {
  try {
    oneOf('isolation', isolation, ISOLATIONS);
  } catch (error) {
    return Promise.reject(error);
  }
  let pool = pools.get(isolation);
  if (!pool) {
    const opening = runSetup().then((setup) => openPool(setup, isolation));
    // A pool that could not open (a server down, a template refused) is opened anew by the next call.
    opening.catch(() => {
      if (pools.get(isolation) === opening) pools.delete(isolation);
    });
    pool = opening;
    pools.set(isolation, pool);
  }
  return pool;
}

/**
 * Closes this process's pools, dropping what they prepared ahead and never
 * handed out; the next `runPool` makes new ones. For the end of a worker
 * (the Vitest fixtures' worker teardown), not only of the run.
 */
export async function closeRunPools(): Promise<void> {
  const closing = [...pools.values()];
  pools.clear();
  await Promise.allSettled(closing.map((pool) => pool.then((p) => p.close())));
}

/** The pool for `isolation` on the server and template of `setup`, opened. */
export async function openPool(setup: RunSetup, isolation: Isolation): Promise<DatabasePool> {
  const adminUrl = adminUrlOf(setup);
  const target = connectionTarget(setup.provider, adminUrl);
  if (isolation === 'database' && setup.templateRefused !== undefined) {
    throw new OptionError(
      'isolation',
      `The server at ${redactPasswords(setup.adminUrl)}${target.variable ? ` (${target.variable})` : ''} does not let the harness create databases ` +
        `(${setup.templateRefused}), so \`database\` isolation cannot clone one: ` +
        "use withDatabase(fn, { isolation: 'schema' }) or test.override({ dbIsolation: 'schema' }), " +
        'or grant the role CREATEDB.',
      ['schema'],
    );
  }
  try {
    const pool =
      isolation === 'schema'
        ? await SchemaPool.open({ adminUrl, source: setup.source, template: setup.template, owner: ownerOf(setup) })
        : await openClonePool(setup);
    return explained(pool, target);
  } catch (error) {
    throw explainConnectionError(error, target);
  }
}

/** A setup an older version wrote has no owner: the worker's own tag is the next best. */
const ownerOf = (setup: RunSetup) => setup.owner ?? currentOwnerTag();

/** The clone pool of `setup`'s server and template, claiming the run's ready clones if it has some. */
function openClonePool(setup: RunSetup): Promise<ClonePool> {
  return ClonePool.open({
    adminUrl: adminUrlOf(setup),
    template: setup.template,
    owner: ownerOf(setup),
    copyStrategy: copyStrategyFor(setup.provider),
    ready: setup.ready,
  });
}

/**
 * Makes the first of the run's ready clones, before its workers start; the
 * workers' claims make the rest. Nothing when `setup` has none, or its server
 * does not let the harness clone.
 */
export async function prepareReadyClones(setup: RunSetup): Promise<void> {
  if (!setup.ready || setup.templateRefused !== undefined) return;
  try {
    const pool = await openClonePool(setup);
    try {
      await pool.prepareReady();
    } finally {
      await pool.close();
    }
  } catch (error) {
    throw explainConnectionError(error, connectionTarget(setup.provider, adminUrlOf(setup)));
  }
}

/** `pool`, with its connection failures (a server gone mute, a password changed) said as such. */
function explained(pool: DatabasePool, target: ConnectionTarget): DatabasePool {
  const explain = (error: unknown): never => {
    throw explainConnectionError(error, target);
  };
  return {
    acquire: () => pool.acquire().catch(explain),
    release: (name) => pool.release(name).catch(explain),
    releaseSoon: (name) => pool.releaseSoon(name).catch(explain),
    keep: (name) => pool.keep(name).catch(explain),
    close: () => pool.close().catch(explain),
  };
}
