/**
 * The testcontainers provider, against real Docker and the image CI builds
 * from Debian's PostgreSQL (`.ci/build-postgres-image.sh`), or the image of
 * `FIXTURES_POSTGRES_IMAGE`. Without a registry, Ryuk cannot be pulled, so
 * these tests run without it unless told otherwise: the provider reaps its
 * own containers (tested below), as it does in CI.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { getContainerRuntimeClient, ImageName } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTAINER_LABEL,
  dockerIsAvailable,
  HOST_LABEL,
  PID_LABEL,
  REUSE_LABEL,
  type StartedTestcontainersServer,
  startTestcontainersServer,
  TestcontainersServerError,
} from '../../src/harness/run/servers/testcontainers.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const IMAGE = process.env.FIXTURES_POSTGRES_IMAGE || 'ctoprojects/postgres:15-local';
const EXPECTED_MAJOR = /:(\d+)/.exec(IMAGE)?.[1];

const dockerAnswers = await dockerIsAvailable();
// These tests need a Docker engine, which a newcomer's machine may lack: there they are skipped, so that
// the README's `npm test` passes anywhere. CI sets FIXTURES_REQUIRE_DOCKER=1 and starts Docker, so in CI
// they always run, and a missing engine fails them.
const skipWithoutDocker = !dockerAnswers && process.env.FIXTURES_REQUIRE_DOCKER !== '1';

async function docker() {
  return (await getContainerRuntimeClient()).container.dockerode;
}

async function containerExists(id: string): Promise<boolean> {
  const containers = await (await docker()).listContainers({ all: true, filters: { id: [id] } });
  return containers.length > 0;
}

/** A container that no provider started but that carries its labels, created and never started. */
async function labelledContainer(labels: Record<string, string>): Promise<string> {
  const container = await (await docker()).createContainer({
    Image: IMAGE,
    Labels: { [CONTAINER_LABEL]: 'true', ...labels },
  });
  return container.id;
}

/** An image built on `base` whose container runs `entrypoint` instead of PostgreSQL. */
async function imageFrom(base: string, entrypoint: string[]): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'fixtures-image-'));
  const tag = `ctoprojects/fixtures-test:${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(join(context, 'Dockerfile'), `FROM ${base}\nENTRYPOINT ${JSON.stringify(entrypoint)}\n`);
    await (await getContainerRuntimeClient()).image.build(context, { t: tag, dockerfile: 'Dockerfile' });
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

async function settings(url: URL, names: string[]): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      'SELECT name, setting FROM pg_settings WHERE name = ANY($1)',
      [names],
    );
    return Object.fromEntries(rows.map(({ name, setting }) => [name, setting]));
  } finally {
    await client.end();
  }
}

// Skipped only where no Docker engine answers and FIXTURES_REQUIRE_DOCKER is unset (see skipWithoutDocker above).
describe.skipIf(skipWithoutDocker)('the testcontainers provider', () => {
  let server: StartedTestcontainersServer;

  beforeAll(async () => {
    if (!dockerAnswers) {
      throw new Error(
        'Docker is not reachable and FIXTURES_REQUIRE_DOCKER=1 says these tests must run: start dockerd (see .ci/run).',
      );
    }
    const client = await getContainerRuntimeClient();
    if (!(await client.image.exists(ImageName.fromString(IMAGE)))) {
      throw new Error(`The image ${IMAGE} is missing: build it with .ci/build-postgres-image.sh.`);
    }
    server = await startTestcontainersServer({ image: IMAGE, reuse: false });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers dockerIsAvailable() at once', async () => {
    const started = performance.now();

    expect(await dockerIsAvailable()).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('starts PostgreSQL from the image, with a random password, tuned for tests', async () => {
    const found = await settings(server.adminUrl, [
      'server_version',
      'fsync',
      'synchronous_commit',
      'full_page_writes',
      'max_connections',
    ]);

    expect(server.provider).toBe('testcontainers');
    expect(server.adminUrl.username).toBe('postgres');
    expect(server.adminUrl.pathname).toBe('/postgres');
    expect(server.adminUrl.password).toMatch(/^[0-9a-f]{24}$/);
    expect(found).toMatchObject({ fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
    expect(found.max_connections).toBe('300');
    if (EXPECTED_MAJOR) expect(found.server_version).toMatch(new RegExp(`^${EXPECTED_MAJOR}\\.`));
  });

  it('labels the container with this host and process', async () => {
    const { Config } = await (await docker()).getContainer(server.containerId).inspect();

    expect(Config.Labels).toMatchObject({
      [CONTAINER_LABEL]: 'true',
      [HOST_LABEL]: hostname(),
      [PID_LABEL]: String(process.pid),
    });
  });

  it('refuses a wrong password', async () => {
    const url = new URL(server.adminUrl);
    url.password = 'wrong';

    await expect(settings(url, ['fsync'])).rejects.toThrow(/password authentication failed for user "postgres"/);
  });

  it('removes the container on stop(), and a second stop() is safe', async () => {
    const own = await startTestcontainersServer({ image: IMAGE, reuse: false });

    await Promise.all([own.stop(), own.stop()]);
    await own.stop();

    expect(await containerExists(own.containerId)).toBe(false);
    await expect(settings(own.adminUrl, ['fsync'])).rejects.toThrow();
  });

  it('reaps containers whose process on this host is gone, and no others', async () => {
    const { pid: deadPid } = spawnSync(process.execPath, ['-e', '']);
    const stale = await labelledContainer({ [HOST_LABEL]: hostname(), [PID_LABEL]: String(deadPid) });
    const alive = await labelledContainer({ [HOST_LABEL]: hostname(), [PID_LABEL]: String(process.pid) });
    const elsewhere = await labelledContainer({ [HOST_LABEL]: `not-${hostname()}`, [PID_LABEL]: String(deadPid) });
    try {
      const another = await startTestcontainersServer({ image: IMAGE, reuse: false });
      await another.stop();

      expect(await containerExists(stale)).toBe(false);
      expect(await containerExists(alive)).toBe(true);
      expect(await containerExists(elsewhere)).toBe(true);
    } finally {
      for (const id of [stale, alive, elsewhere]) {
        await (await docker())
          .getContainer(id)
          .remove({ force: true })
          .catch(() => {});
      }
    }
  });

  it('reuses one container across starts with FIXTURES_REUSE_CONTAINER=1, and leaves it running', async () => {
    const first = await startTestcontainersServer({ image: IMAGE }, { FIXTURES_REUSE_CONTAINER: '1' });
    try {
      await first.stop();
      const second = await startTestcontainersServer({ image: IMAGE }, { FIXTURES_REUSE_CONTAINER: '1' });
      await second.stop();

      expect(second.containerId).toBe(first.containerId);
      expect(second.adminUrl.href).toBe(first.adminUrl.href);
      expect(await settings(second.adminUrl, ['fsync'])).toEqual({ fsync: 'off' });
      const { Config } = await (await docker()).getContainer(first.containerId).inspect();
      expect(Config.Labels).toMatchObject({ [REUSE_LABEL]: 'true' });
      expect(Config.Labels).not.toHaveProperty(PID_LABEL);
    } finally {
      await (await docker()).getContainer(first.containerId).remove({ force: true, v: true });
    }
  });

  it('shows the last lines of a container that dies at start, without the password, and leaves nothing behind', async () => {
    const dying = await imageFrom(IMAGE, [
      'sh',
      '-c',
      'echo "initdb: disk full, password $POSTGRES_PASSWORD" >&2; exit 3',
    ]);
    try {
      const outcome = startTestcontainersServer({ image: dying, reuse: false });

      const error = await outcome.then(
        () => expect.unreachable('the container should not start'),
        (error: unknown) => error as Error,
      );
      expect(error).toBeInstanceOf(TestcontainersServerError);
      expect(error.message).toMatch(
        new RegExp(
          `^PostgreSQL did not start in a container from "${dying}" \\(.+\\): DEBUG=testcontainers\\* shows what Docker did\\. ` +
            "The container's last lines:\n    initdb: disk full, password \\*\\*\\*$",
        ),
      );
      const left = await (await docker()).listContainers({ all: true, filters: { ancestor: [dying] } });
      expect(left).toEqual([]);
    } finally {
      await (await docker()).getImage(dying).remove({ force: true });
    }
  });

  it('says what to do when the image is neither here nor pullable', async () => {
    const outcome = startTestcontainersServer({ image: 'ctoprojects/no-such-image:0', reuse: false });

    await expect(outcome).rejects.toThrow(TestcontainersServerError);
    await expect(outcome).rejects.toThrow(
      /^The PostgreSQL image "ctoprojects\/no-such-image:0" is not on this machine and could not be pulled \(.+\): pull or build it \(CI builds one with \.ci\/build-postgres-image\.sh\), set FIXTURES_POSTGRES_IMAGE to an image you have, or use another provider \(FIXTURES_PROVIDER=embedded\)\.$/,
    );
  });
});
