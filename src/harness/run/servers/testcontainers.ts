/**
 * The `testcontainers` provider: the run's PostgreSQL in a throwaway Docker
 * container, started with `@testcontainers/postgresql`.
 *
 * The image is `FIXTURES_POSTGRES_IMAGE`, else the official `postgres:17-alpine`;
 * any image whose entrypoint honours `POSTGRES_USER`, `POSTGRES_PASSWORD`,
 * `POSTGRES_DB` and `POSTGRES_INITDB_ARGS` as the official one does will do
 * (CI builds one from Debian's binaries: `.ci/build-postgres-image.sh`).
 *
 * Testcontainers' own reaper, Ryuk, is itself an image to pull, so machines
 * without a registry disable it (`TESTCONTAINERS_RYUK_DISABLED=true`). Each
 * container therefore carries labels naming this host and process, and every
 * start removes the containers whose process on this host is gone, as
 * `reaper.ts` does for databases.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { type ContainerRuntimeClient, getContainerRuntimeClient, ImageName, Wait } from 'testcontainers';
import { redactPasswords } from '../../../config/database-url.ts';
import { envFlag } from '../../../config/env-options.ts';
import createDebug from '../../../text/debug.ts';
import { isAbandonedBy } from '../../shared/abandoned.ts';
import { runOnExit } from '../exit-helper.ts';
import { noDurabilityArgs } from './no-durability.ts';
import { TestcontainersServerError } from './testcontainers-error.ts';

const debug = createDebug('fixtures:testcontainers');

/** The image when `FIXTURES_POSTGRES_IMAGE` is unset. */
export const DEFAULT_POSTGRES_IMAGE = 'postgres:17-alpine';

/** Every container this provider starts carries `com.ctoprojects.fixtures=true`. */
export const CONTAINER_LABEL = 'com.ctoprojects.fixtures';
/** The hostname and pid of the process that started a throwaway container: it is stale once that process is gone. */
export const HOST_LABEL = `${CONTAINER_LABEL}.host`;
export const PID_LABEL = `${CONTAINER_LABEL}.pid`;
/** One start of a throwaway container, to find and remove it when the start fails half-way. */
const START_LABEL = `${CONTAINER_LABEL}.start`;
/** A container kept across runs (`FIXTURES_REUSE_CONTAINER=1`): it names no process, and is never reaped. */
export const REUSE_LABEL = `${CONTAINER_LABEL}.reuse`;

const DOCKER_SOCKET = '/var/run/docker.sock';
const POSTGRES_PORT = 5432;
const SUPERUSER = 'postgres';
/** A tmpfs mount in the container; the cluster's data directory is created inside it. */
const IN_MEMORY_DIR = '/var/lib/postgresql/in-memory';
/** Docker answers a local socket in milliseconds; anything slower is as good as absent for choosing a provider. */
const DOCKER_ANSWER_TIMEOUT_MS = 3_000;

export { TestcontainersServerError };

export interface TestcontainersServerOptions {
  /** The PostgreSQL image; `FIXTURES_POSTGRES_IMAGE`, else {@link DEFAULT_POSTGRES_IMAGE}. */
  readonly image?: string;
  /**
   * Keep the container running after `stop()` and use it again next run
   * (testcontainers' `withReuse()`), so a run skips the container start and
   * finds its template built. `FIXTURES_REUSE_CONTAINER=1` by default.
   */
  readonly reuse?: boolean;
}

export interface StartedTestcontainersServer {
  readonly provider: 'testcontainers';
  /** The superuser's URL to the `postgres` database, password included. */
  readonly adminUrl: URL;
  readonly image: string;
  readonly containerId: string;
  /** Removes the container (a reused one stays running). Safe to call twice. */
  stop(): Promise<void>;
  /** Leaves the container running after this process exits, for the next start to reap. */
  leave(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Whether a container engine answers, within a few seconds at most: for
 * choosing a provider automatically. Never throws.
 *
 * @example
 * const provider = (await dockerIsAvailable()) ? 'testcontainers' : 'embedded';
 */
export async function dockerIsAvailable(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DOCKER_ANSWER_TIMEOUT_MS).unref();
  });
  const answer = getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts PostgreSQL in a Docker container tuned for tests: no fsync, no
 * synchronous commit, no full-page writes, a random password.
 *
 * @example
 * await using server = await startTestcontainersServer({ image: 'ctoprojects/postgres:15-local' });
 * console.log(server.adminUrl.port);
 */
export async function startTestcontainersServer(
  options: TestcontainersServerOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartedTestcontainersServer> {
  const image = options.image ?? (env.FIXTURES_POSTGRES_IMAGE || DEFAULT_POSTGRES_IMAGE);
  const reuse = options.reuse ?? envFlag(env, 'FIXTURES_REUSE_CONTAINER');
  const started = performance.now();
  const client = await connectToDocker(env);

  // Reaping runs beside the start: it only ever removes containers of processes that are gone, never ours.
  const reaping = reapStaleContainers(client).catch((error: unknown) => {
    debug('could not reap stale containers: %s', (error as Error).message);
  });
  const password = (reuse && (await passwordOfReusableContainer(client, image))) || randomBytes(12).toString('hex');
  const startId = randomBytes(6).toString('hex');
  const logs = new LogTail();
  let container: StartedPostgreSqlContainer;
  try {
    container = await postgresContainer(image, password, reuse ? undefined : startId)
      .withLogConsumer(logs.follow)
      .start();
  } catch (error) {
    // Testcontainers removes a container that fails its wait, but not one that died before.
    const leftoverLog = reuse ? '' : await removeContainersOfStart(client, startId);
    const containerLog = (logs.text() || leftoverLog).replaceAll(password, '***');
    throw await explainStartFailure(client, image, error, containerLog, password, env);
  } finally {
    logs.stop();
    await reaping;
  }
  debug(
    'PostgreSQL from %s up in container %s in %d ms%s',
    image,
    container.getId().slice(0, 12),
    Math.round(performance.now() - started),
    reuse ? ' (reusable)' : '',
  );

  // Ryuk, where it runs, removes the container when this process goes; where it does not, a helper does.
  const leave = reuse ? () => {} : runOnExit({ containerId: container.getId() });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= reuse
      ? Promise.resolve()
      : // A throwaway cluster has nothing worth a clean shutdown.
        container
          .stop({ timeout: 0, remove: true, removeVolumes: true })
          .then(
            () => debug('removed container %s', container.getId().slice(0, 12)),
            (error: unknown) => debug('could not remove container %s: %s', container.getId(), (error as Error).message),
          )
          .finally(leave);
    return stopping;
  };
  // Testcontainers may name the Docker bridge (172.17.0.1) as the host. The port is published on this machine
  // too, and loopback keeps the traffic here (and counts as local for db:seed's guard).
  const host = (await answersOnLoopback(container.getPort())) ? '127.0.0.1' : container.getHost();
  const adminUrl = new URL(`postgresql://${SUPERUSER}@${host}:${container.getPort()}/postgres`);
  adminUrl.password = password;
  return {
    provider: 'testcontainers',
    adminUrl,
    image,
    containerId: container.getId(),
    stop,
    leave,
    [Symbol.asyncDispose]: stop,
  };
}

/** A container for `image`; `startId` labels a throwaway one, none a reusable one. */
function postgresContainer(image: string, password: string, startId: string | undefined): PostgreSqlContainer {
  const container = new PostgreSqlContainer(image)
    .withUsername(SUPERUSER)
    .withPassword(password)
    .withDatabase('postgres')
    // initdb need not flush a cluster that lives as long as the run.
    .withEnvironment({ POSTGRES_INITDB_ARGS: '--no-sync', PGDATA: `${IN_MEMORY_DIR}/data` })
    // In memory: CREATE DATABASE … TEMPLATE takes ~20 ms on tmpfs, and 300 ms or more on some VM disks
    // (cluster-directory.ts). A world-writable mount, so that the image's postgres user, whatever its uid
    // (999 in Debian images, 70 in Alpine ones), creates the data directory inside it.
    .withTmpFs({ [IN_MEMORY_DIR]: 'rw,mode=1777' })
    .withCommand(['postgres', ...noDurabilityArgs(), '-c', 'max_connections=300'])
    // Testcontainers' own check carries the password in the container's config; pg_isready needs none.
    .withHealthCheck({
      test: ['CMD', 'pg_isready', '--host', '127.0.0.1', '--port', String(POSTGRES_PORT), '--username', SUPERUSER],
      interval: 100,
      timeout: 1_000,
      retries: 600,
    })
    // The health check alone: testcontainers' port check also execs three probes into the container every
    // 100 ms, which slows initdb by a second on two cores, and pg_isready on TCP already proves the port.
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(60_000)
    .withLabels({ [CONTAINER_LABEL]: 'true', [HOST_LABEL]: hostname() });
  // A reused container must hash the same on every run, so it names no process.
  return startId === undefined
    ? container.withLabels({ [REUSE_LABEL]: 'true' }).withReuse()
    : container.withLabels({ [PID_LABEL]: String(process.pid), [START_LABEL]: startId });
}

async function connectToDocker(env: NodeJS.ProcessEnv): Promise<ContainerRuntimeClient> {
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    const where = env.DOCKER_HOST
      ? `DOCKER_HOST is ${redactPasswords(env.DOCKER_HOST)}`
      : existsSync(DOCKER_SOCKET)
        ? `${DOCKER_SOCKET} does not answer`
        : `no ${DOCKER_SOCKET}, and DOCKER_HOST is unset`;
    debug('no container runtime: %s', (error as Error).message);
    throw new TestcontainersServerError(
      `Docker is not reachable (${where}): start it, or use FIXTURES_PROVIDER=embedded.`,
      { cause: error },
    );
  }
}

function answersOnLoopback(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Removes the containers this provider started from a process of this host
 * that no longer runs (killed, or crashed before `stop()`); returns their ids.
 * Containers of other hosts, reused containers and unlabelled ones are never touched.
 */
export async function reapStaleContainers(client?: ContainerRuntimeClient): Promise<string[]> {
  const docker = (client ?? (await getContainerRuntimeClient())).container.dockerode;
  const containers = await docker.listContainers({ all: true, filters: { label: [`${CONTAINER_LABEL}=true`] } });
  const stale = containers.filter(({ Labels: labels }) => {
    const pid = Number(labels[PID_LABEL]);
    return isAbandonedBy(labels[HOST_LABEL], pid);
  });
  await Promise.all(stale.map(({ Id }) => docker.getContainer(Id).remove({ force: true, v: true })));
  if (stale.length > 0)
    debug('reaped %d stale containers: %s', stale.length, stale.map(({ Id }) => Id.slice(0, 12)).join(', '));
  return stale.map(({ Id }) => Id);
}

/** Removes the container `id` and its volumes, running or not (for a process exiting before `stop()`). */
export async function removeContainer(id: string): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await docker.getContainer(id).remove({ force: true, v: true });
}

/** Removes what a failed start left; returns the last lines its container wrote. */
async function removeContainersOfStart(client: ContainerRuntimeClient, startId: string): Promise<string> {
  const docker = client.container.dockerode;
  const containers = await docker
    .listContainers({ all: true, filters: { label: [`${START_LABEL}=${startId}`] } })
    .catch(() => []);
  const logs = new LogTail();
  for (const { Id } of containers) {
    const container = docker.getContainer(Id);
    const stream = await client.container.logs(container, { tail: 12 }).catch(() => undefined);
    if (stream) {
      logs.follow(stream);
      // The container has exited, so its log ends at once; the timer only guards against one that has not.
      await Promise.race([finished(stream).catch(() => {}), sleep(2_000)]);
      stream.destroy();
    }
    await container.remove({ force: true, v: true }).catch(() => {});
    debug('removed container %s of a failed start', Id.slice(0, 12));
  }
  return logs.text();
}

/**
 * A reused container keeps the password it was created with, and testcontainers
 * finds it by a hash of its whole configuration, password included: so take
 * the running one's password, when there is one.
 */
async function passwordOfReusableContainer(client: ContainerRuntimeClient, image: string): Promise<string | undefined> {
  const docker = client.container.dockerode;
  const containers = await docker.listContainers({
    filters: { label: [`${REUSE_LABEL}=true`, `${HOST_LABEL}=${hostname()}`] },
  });
  const candidate = containers.find((info) => info.Image === image);
  if (!candidate) return undefined;
  const { Config } = await docker.getContainer(candidate.Id).inspect();
  const variable = Config.Env.find((entry) => entry.startsWith('POSTGRES_PASSWORD='));
  return variable?.slice('POSTGRES_PASSWORD='.length);
}

/** The last lines a starting container wrote, to explain why it did not start. */
class LogTail {
  static readonly MAX_CHARS = 2_000;
  #text = '';
  #stream: Readable | undefined;

  readonly follow = (stream: Readable): void => {
    this.#stream = stream;
    stream.on('data', (chunk: string) => {
      this.#text = (this.#text + chunk).slice(-LogTail.MAX_CHARS);
    });
    stream.on('error', () => {});
  };

  /** The log of a container that started is of no more use: stop following it. */
  stop(): void {
    this.#stream?.destroy();
  }

  /** The last lines, indented, or '' when the container wrote nothing. */
  text(lines = 12): string {
    return this.#text.trimEnd().split('\n').slice(-lines).join('\n').replace(/^/gm, '    ').trimEnd();
  }
}

/** Turns testcontainers' error into one that says what to do; the password never shows. */
async function explainStartFailure(
  client: ContainerRuntimeClient,
  image: string,
  error: unknown,
  containerLog: string,
  password: string,
  env: NodeJS.ProcessEnv,
): Promise<TestcontainersServerError> {
  const cause = redactPasswords(String((error as Error)?.message ?? error))
    .replaceAll(password, '***')
    .trim()
    .replace(/\.$/, '');
  const imageExists = await client.image.exists(ImageName.fromString(image)).catch(() => true);
  if (!imageExists) {
    return new TestcontainersServerError(
      `The PostgreSQL image "${image}" is not on this machine and could not be pulled (${cause}): ` +
        'pull or build it (CI builds one with .ci/build-postgres-image.sh), set FIXTURES_POSTGRES_IMAGE to an image you have, ' +
        'or use another provider (FIXTURES_PROVIDER=embedded).',
    );
  }
  // The image is here, so what failed to come from a registry is testcontainers' reaper, Ryuk.
  const ryukEnabled = !['true', '1'].includes(env.TESTCONTAINERS_RYUK_DISABLED ?? '');
  const hint =
    ryukEnabled && /registry|pull|no such host|dial tcp/i.test(cause)
      ? 'testcontainers could not pull its reaper, Ryuk: set TESTCONTAINERS_RYUK_DISABLED=true (this provider reaps stale containers itself).'
      : 'DEBUG=testcontainers* shows what Docker did.';
  const log = containerLog ? ` The container's last lines:\n${containerLog}` : '';
  return new TestcontainersServerError(
    `PostgreSQL did not start in a container from "${image}" (${cause}): ${hint}${log}`,
  );
}
