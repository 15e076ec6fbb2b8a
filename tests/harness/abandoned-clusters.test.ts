/**
 * A run killed with SIGKILL cannot stop the throwaway server it started; the
 * next start finds it by the owner in its directory's name, stops it and
 * removes its files. A cluster of an older version, named without an owner,
 * is found by its owner file. A kill during `initdb` leaves the password
 * file initdb reads; the next start removes it too.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import {
  PASSWORD_DIR_PREFIX,
  reapAbandonedClusters,
  reapAbandonedPasswordDirs,
} from '../../src/harness/run/servers/abandoned-clusters.ts';
import { startLocalPostgres } from '../../src/harness/run/servers/local-postgres.ts';
import { processIsAlive } from '../../src/harness/shared/abandoned.ts';
import { deadPid } from '../support/dead-pid.ts';
import { startNode } from '../support/run-cli.ts';

const START_CLUSTER = fileURLToPath(new URL('fixtures/start-cluster-script.ts', import.meta.url));

async function answers(url: URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('a throwaway cluster whose process died', () => {
  it('is stopped and removed by the next reaping, while a live owner keeps its cluster', async () => {
    // Started first: a start reaps, and would reap the orphan before the test does.
    const kept = await startLocalPostgres({ binaries: 'system' });
    try {
      const orphaned = startNode([START_CLUSTER], { timeoutMs: 60_000 });
      const { url, dataDir } = JSON.parse(await orphaned.line(/^\{"url"/)) as { url: string; dataDir: string };
      orphaned.child.kill('SIGKILL');
      await orphaned.result;
      expect(await answers(new URL(url))).toBe(true);

      const reaped = await reapAbandonedClusters();

      // Checked on disk, not in `reaped`: another file's server start may reap it first.
      expect(existsSync(dirname(dataDir))).toBe(false);
      expect(await answers(new URL(url))).toBe(false);
      expect(reaped).not.toContain(dirname(kept.dataDir));
      expect(await answers(kept.url)).toBe(true);
    } finally {
      await kept.stop();
    }
  });

  it('of an older version is known by its owner file, and one without any is left alone', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fixtures-reap-test-'));
    const old = join(parent, 'fixtures-pg-Ab12Cd');
    const unknown = join(parent, 'fixtures-pg-Ef34Gh');
    try {
      await mkdir(join(old, 'data'), { recursive: true });
      await writeFile(join(old, 'owner.json'), JSON.stringify({ host: hostname(), pid: deadPid() }));
      await mkdir(join(unknown, 'data'), { recursive: true });

      const reaped = await reapAbandonedClusters([parent]);

      expect(reaped.map((root) => basename(root))).toEqual(['fixtures-pg-Ab12Cd']);
      expect(existsSync(unknown)).toBe(true);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
  it('has every process still working in its files stopped before they go, not only those that name it', async () => {
    // A backend whose postmaster was killed runs on without it, inside the data directory, and its
    // command line ("postgres: checkpointer") does not name the cluster: here a writer just as anonymous.
    const parent = await mkdtemp(join(tmpdir(), 'fixtures-reap-test-'));
    const root = join(parent, 'fixtures-pg-Ij56Kl');
    await mkdir(join(root, 'data', 'global'), { recursive: true });
    await writeFile(join(root, 'owner.json'), JSON.stringify({ host: hostname(), pid: deadPid() }));
    const writer = spawn('sh', ['-c', 'i=0; while :; do : > "f$i" 2>/dev/null; i=$((i+1)); done'], {
      cwd: join(root, 'data', 'global'),
      stdio: 'ignore',
    });
    try {
      const reaped = await reapAbandonedClusters([parent]);

      expect(reaped).toEqual([root]);
      expect(existsSync(root)).toBe(false);
      expect(processIsAlive(writer.pid as number)).toBe(false);
    } finally {
      writer.kill('SIGKILL');
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('a process killed while initdb ran', () => {
  it('leaves a password file that the next start removes, whatever its name', async () => {
    // A temp directory of the killed process's own: the suite's other files start clusters meanwhile, and
    // their starts reap abandoned password files in theirs, which would take this one before it is looked at.
    const scratch = await mkdtemp(join(tmpdir(), 'fixtures-test-passwords-'));
    await chmod(scratch, 0o755); // the server's user reads initdb's password file in it
    try {
      const passwordDirs = () => readdirSync(scratch).filter((name) => name.startsWith(PASSWORD_DIR_PREFIX));
      const started = startNode([START_CLUSTER], { timeoutMs: 60_000, env: { TMPDIR: scratch } });
      // initdb reads the password from that directory for about a second: the kill lands inside it.
      await vi.waitUntil(() => passwordDirs().length > 0, { timeout: 30_000, interval: 5 });
      started.child.kill('SIGKILL');
      await started.result;
      const left = passwordDirs();
      expect(left, 'the killed process had no time to remove its password file').not.toEqual([]);
      // What was left of the cluster itself, the next start reaps too (the test above).
      await reapAbandonedClusters();

      await reapAbandonedPasswordDirs(scratch); // what the next start runs first

      expect(passwordDirs()).toEqual([]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
