/**
 * A run killed with SIGKILL cannot stop the throwaway server it started; the
 * next start finds it by its owner file, stops it and removes its files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { reapAbandonedClusters } from '../../src/harness/servers/abandoned-clusters.ts';
import { startLocalPostgres } from '../../src/harness/servers/local-postgres.ts';

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

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('a throwaway cluster whose process died', () => {
  it('is stopped and removed by the next reaping, while a live owner keeps its cluster', async () => {
    const orphan = await startLocalPostgres({ binaries: 'system' });
    const kept = await startLocalPostgres({ binaries: 'system' });
    const orphanRoot = dirname(orphan.dataDir);
    try {
      await writeFile(join(orphanRoot, 'owner.json'), JSON.stringify({ host: hostname(), pid: deadPid() }));

      const reaped = await reapAbandonedClusters();

      expect(reaped).toContain(orphanRoot);
      expect(existsSync(orphanRoot)).toBe(false);
      expect(await answers(orphan.url)).toBe(false);
      expect(reaped).not.toContain(dirname(kept.dataDir));
      expect(await answers(kept.url)).toBe(true);
    } finally {
      await orphan.stop();
      await kept.stop();
    }
  });
});
