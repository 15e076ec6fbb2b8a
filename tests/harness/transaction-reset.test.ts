/**
 * The transaction sandbox: each test's writes vanish with its transaction,
 * while the application's own `$transaction` calls, interactive and batch,
 * behave as they would on an ordinary client. Against a real PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import {
  createTransactionSandbox,
  SandboxConnectionLostError,
  type TransactionSandbox,
  TransactionSandboxError,
} from '../../src/harness/worker/reset/transaction.ts';
import { migratedDatabase, query, serverUrlFor, type TestDatabase } from '../support/databases.ts';

let database: TestDatabase;
let sandbox: TransactionSandbox;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await migratedDatabase();
  sandbox = await createTransactionSandbox(database.url);
  prisma = sandbox.prisma;
});

afterAll(async () => {
  await sandbox?.close();
  await database?.drop();
});

beforeEach(() => sandbox.begin());
afterEach(() => sandbox.rollback());

/** What another connection sees: only what was committed. */
async function committedEmails(): Promise<string[]> {
  const rows = await query<{ email: string }>(database.url, 'SELECT email FROM users ORDER BY email');
  return rows.map((row) => row.email);
}

/** What the test sees, through the sandbox. */
async function visibleEmails(): Promise<string[]> {
  const users = await prisma.user.findMany({ select: { email: true }, orderBy: { email: 'asc' } });
  return users.map((user) => user.email);
}

function learner(email: string) {
  return { data: { email, displayName: email.split('@')[0] ?? email } };
}

describe('each test starts from an empty database', () => {
  it('a row a test creates is visible to it, and to no other connection', async () => {
    await prisma.user.create(learner('first-test@ctoprojects.dev'));

    expect(await visibleEmails()).toEqual(['first-test@ctoprojects.dev']);
    expect(await committedEmails()).toEqual([]);
  });

  it('the next test does not see it', async () => {
    expect(await visibleEmails()).toEqual([]);
  });
});

describe('interactive $transaction', () => {
  it('one that commits is visible in the test and gone after rollback()', async () => {
    const created = await prisma.$transaction(async (tx) => {
      const owner = await tx.user.create(learner('owner@ctoprojects.dev'));
      return tx.studyMaterial.create({ data: { ownerId: owner.id, title: 'Graphs', sourceType: 'TEXT' } });
    });

    expect(await prisma.studyMaterial.findUnique({ where: { id: created.id } })).toMatchObject({ title: 'Graphs' });
    expect(await committedEmails()).toEqual([]);

    await sandbox.rollback();
    await sandbox.begin();
    expect(await prisma.studyMaterial.count()).toBe(0);
    expect(await visibleEmails()).toEqual([]);
  });

  it('one that throws leaves nothing behind, and the test carries on', async () => {
    await prisma.user.create(learner('before@ctoprojects.dev'));

    const attempt = prisma.$transaction(async (tx) => {
      await tx.user.create(learner('inside@ctoprojects.dev'));
      throw new Error('changed my mind');
    });

    await expect(attempt).rejects.toThrow('changed my mind');
    expect(await visibleEmails()).toEqual(['before@ctoprojects.dev']);
    await prisma.user.create(learner('after@ctoprojects.dev'));
    expect(await visibleEmails()).toEqual(['after@ctoprojects.dev', 'before@ctoprojects.dev']);
  });

  it('transactions in a row, and nested ones, commit and roll back each on its own', async () => {
    await prisma.$transaction((tx) => tx.user.create(learner('first@ctoprojects.dev')));
    await prisma.$transaction((tx) => tx.user.create(learner('second@ctoprojects.dev')));
    await prisma.$transaction(async (tx) => {
      await tx.user.create(learner('outer@ctoprojects.dev'));
      await tx.$transaction((inner) => inner.user.create(learner('kept@ctoprojects.dev')));
      const failed = tx.$transaction(async (inner) => {
        await inner.user.create(learner('dropped@ctoprojects.dev'));
        throw new Error('inner failure');
      });
      await expect(failed).rejects.toThrow('inner failure');
    });

    expect(await visibleEmails()).toEqual([
      'first@ctoprojects.dev',
      'kept@ctoprojects.dev',
      'outer@ctoprojects.dev',
      'second@ctoprojects.dev',
    ]);
  });

  it('concurrent ones run one after the other, as on a pool of one connection', async () => {
    const events: string[] = [];
    await Promise.all(
      ['a', 'b'].map((name) =>
        prisma.$transaction(async (tx) => {
          events.push(`${name} started`);
          await tx.user.create(learner(`${name}@ctoprojects.dev`));
          await tx.user.count();
          events.push(`${name} finished`);
        }),
      ),
    );

    expect(events).toEqual(['a started', 'a finished', 'b started', 'b finished']);
    expect(await visibleEmails()).toEqual(['a@ctoprojects.dev', 'b@ctoprojects.dev']);
  });

  it('runs inside the test transaction; its isolation level is ignored there', async () => {
    const [outside] = await prisma.$queryRaw<{ xid: string }[]>`SELECT txid_current()::text AS xid`;
    const inside = await prisma.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ xid: string; level: string }[]>`
          SELECT txid_current()::text AS xid, current_setting('transaction_isolation') AS level`;
        return row;
      },
      { isolationLevel: 'Serializable' },
    );

    expect(inside).toEqual({ xid: outside?.xid, level: 'read committed' });
  });
});

describe('batch $transaction', () => {
  it('runs its queries in order, in one transaction', async () => {
    const [created, count] = await prisma.$transaction([
      prisma.user.create(learner('batch@ctoprojects.dev')),
      prisma.user.count(),
    ]);

    expect(created.email).toBe('batch@ctoprojects.dev');
    expect(count).toBe(1);
    expect(await committedEmails()).toEqual([]);
  });

  it('one whose last query fails keeps none of its writes', async () => {
    const batch = prisma.$transaction([
      prisma.user.create(learner('batch-first@ctoprojects.dev')),
      prisma.user.create(learner('batch-twice@ctoprojects.dev')),
      prisma.user.create(learner('batch-twice@ctoprojects.dev')),
    ]);

    await expect(batch).rejects.toMatchObject({ code: 'P2002' });
    expect(await visibleEmails()).toEqual([]);
  });
});

describe('a failed statement does not poison the test transaction', () => {
  it('a unique violation that escapes $transaction rolls it back; the test goes on querying', async () => {
    await prisma.user.create(learner('taken@ctoprojects.dev'));

    const attempt = prisma.$transaction(async (tx) => {
      await tx.user.create(learner('fresh@ctoprojects.dev'));
      await tx.user.create(learner('taken@ctoprojects.dev'));
    });

    await expect(attempt).rejects.toMatchObject({ code: 'P2002' });
    expect(await visibleEmails()).toEqual(['taken@ctoprojects.dev']);
    await prisma.user.create(learner('later@ctoprojects.dev'));
    expect(await prisma.user.count()).toBe(2);
  });

  it('a unique violation caught inside $transaction rolls it back at COMMIT, as PostgreSQL does', async () => {
    await prisma.user.create(learner('taken@ctoprojects.dev'));

    const outcome = await prisma.$transaction(async (tx) => {
      await tx.user.create(learner('fresh@ctoprojects.dev'));
      return tx.user.create(learner('taken@ctoprojects.dev')).then(
        () => 'created',
        (error: { code?: string }) => error.code,
      );
    });

    expect(outcome).toBe('P2002');
    expect(await visibleEmails()).toEqual(['taken@ctoprojects.dev']);
  });

  it('a unique violation outside any $transaction leaves the test free to go on', async () => {
    await prisma.user.create(learner('taken@ctoprojects.dev'));

    await expect(prisma.user.create(learner('taken@ctoprojects.dev'))).rejects.toMatchObject({ code: 'P2002' });
    await prisma.user.create(learner('other@ctoprojects.dev'));
    expect(await visibleEmails()).toEqual(['other@ctoprojects.dev', 'taken@ctoprojects.dev']);
  });
});

describe('begin() and rollback()', () => {
  it('rollback() with no test transaction open does nothing', async () => {
    await sandbox.rollback();
    await sandbox.rollback();
    await sandbox.begin();

    await prisma.user.create(learner('still-works@ctoprojects.dev'));
    expect(await visibleEmails()).toEqual(['still-works@ctoprojects.dev']);
  });

  it('begin() twice throws an error that says what to do', async () => {
    await expect(sandbox.begin()).rejects.toThrow(TransactionSandboxError);
    await expect(sandbox.begin()).rejects.toThrow(
      'begin() was called while a test transaction is already open: call rollback() at the end of every test (in afterEach) before the next begin().',
    );
  });

  it('between rollback() and begin(), the client commits like an ordinary one', async () => {
    await sandbox.rollback();
    try {
      const level = await prisma.$transaction(
        async (tx) => {
          await tx.user.create(learner('committed@ctoprojects.dev'));
          const [row] = await tx.$queryRaw<
            { level: string }[]
          >`SELECT current_setting('transaction_isolation') AS level`;
          return row?.level;
        },
        { isolationLevel: 'Serializable' },
      );

      expect(level).toBe('serializable');
      expect(await committedEmails()).toEqual(['committed@ctoprojects.dev']);
    } finally {
      await prisma.user.deleteMany();
      await sandbox.begin();
    }
  });

  it("rollback() sends the next test's BEGIN in the same round trip", async () => {
    const [backend] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;

    await sandbox.rollback();
    try {
      const seen = await query<{ state: string; query: string }>(
        database.url,
        `SELECT state, query FROM pg_stat_activity WHERE pid = ${Number(backend?.pid)}`,
      );
      expect(seen).toEqual([{ state: 'idle in transaction', query: 'ROLLBACK; BEGIN' }]);
    } finally {
      await sandbox.begin();
    }
  });

  it('between rollback() and begin(), a write outside $transaction commits, and the next test starts clean', async () => {
    await sandbox.rollback();
    try {
      await prisma.user.create(learner('between-tests@ctoprojects.dev'));
      expect(await committedEmails()).toEqual(['between-tests@ctoprojects.dev']);
      await sandbox.begin();
      await prisma.user.deleteMany();
      await sandbox.rollback();
      expect(await committedEmails()).toEqual(['between-tests@ctoprojects.dev']);
    } finally {
      await prisma.user.deleteMany();
      await sandbox.begin();
    }
  });

  it('a $transaction left running when its test ends cannot write into the next test', async () => {
    let resume = () => {};
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let entered = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const leaked = prisma.$transaction(async (tx) => {
      entered();
      await paused;
      await tx.user.create(learner('leaked@ctoprojects.dev'));
    });
    leaked.catch(() => {});
    await inside;

    await sandbox.rollback();
    await sandbox.begin();
    resume();

    await expect(leaked).rejects.toThrow('outlived its test');
    expect(await visibleEmails()).toEqual([]);
    expect(await committedEmails()).toEqual([]);
    await prisma.$transaction((tx) => tx.user.create(learner('next-test@ctoprojects.dev')));
    expect(await visibleEmails()).toEqual(['next-test@ctoprojects.dev']);
  });

  it('raw transaction control outside $transaction is refused: it would end the test transaction', async () => {
    await prisma.user.create(learner('kept-uncommitted@ctoprojects.dev'));

    await expect(prisma.$executeRawUnsafe('COMMIT')).rejects.toThrow(
      'The transaction sandbox refuses "COMMIT" outside a Prisma transaction',
    );
    expect(await committedEmails()).toEqual([]);
  });
});

describe('a broken connection', () => {
  it('fails the test loudly, loses only that test, and is replaced at the next begin()', async () => {
    await prisma.user.create(learner('lost-with-connection@ctoprojects.dev'));
    const [before] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;

    await query(database.url, `SELECT pg_terminate_backend(${Number(before?.pid)}, 10000)`);

    await expect(prisma.user.count()).rejects.toThrow();
    await expect(prisma.user.count()).rejects.toThrow(SandboxConnectionLostError);
    await sandbox.rollback();
    await sandbox.begin();
    const [after] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    expect(after?.pid).not.toBe(before?.pid);
    expect(await visibleEmails()).toEqual([]);
    expect(await committedEmails()).toEqual([]);
  });
  it('one broken between tests is replaced at the next begin(), and that test runs as usual', async () => {
    const [before] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    await sandbox.rollback();

    await query(database.url, `SELECT pg_terminate_backend(${Number(before?.pid)}, 10000)`);
    await sandbox.begin();

    await prisma.user.create(learner('after-reconnect@ctoprojects.dev'));
    const [after] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    expect(after?.pid).not.toBe(before?.pid);
    expect(await visibleEmails()).toEqual(['after-reconnect@ctoprojects.dev']);
    expect(await committedEmails()).toEqual([]);
  });
});

describe('opening and closing', () => {
  it('close() rolls back, can be called twice, and the sandbox refuses work afterwards', async () => {
    const other = await createTransactionSandbox(database.url);
    await other.begin();
    await other.prisma.user.create(learner('closed@ctoprojects.dev'));

    await other.close();
    await other.close();

    expect(await committedEmails()).toEqual([]);
    await expect(other.begin()).rejects.toThrow('This transaction sandbox is closed');
    await expect(other.prisma.user.count()).rejects.toThrow('This transaction sandbox is closed');
  });

  it('a database that does not exist fails at once, with the URL and no password', async () => {
    const url = serverUrlFor('fixtures_no_such_database');

    const attempt = createTransactionSandbox(url);

    await expect(attempt).rejects.toThrow(TransactionSandboxError);
    await expect(attempt).rejects.toThrow('database "fixtures_no_such_database" does not exist');
    // The URL is shown with its password masked; checked around the ':' and '@', since on a server
    // whose password is 'postgres' the bare word also stands in the user name.
    const { username, password } = new URL(url);
    await expect(attempt).rejects.toThrow(`postgresql://${username}:***@`);
    await expect(attempt).rejects.not.toThrow(`:${decodeURIComponent(password)}@`);
  });
});

describe('commit(), for a failed test kept with FIXTURES_KEEP_FAILED', () => {
  it('commits the test transaction, with its Prisma transactions, so that another connection sees the rows', async () => {
    await prisma.user.create(learner('kept@ctoprojects.dev'));
    await prisma.$transaction(async (tx) => tx.user.create(learner('kept-in-tx@ctoprojects.dev')));

    await sandbox.commit();
    await sandbox.commit(); // none open: nothing to do
    try {
      expect(await committedEmails()).toEqual(['kept-in-tx@ctoprojects.dev', 'kept@ctoprojects.dev']);
    } finally {
      await query(database.url, "DELETE FROM users WHERE email LIKE 'kept%'");
      await sandbox.begin(); // for afterEach
    }
  });
});
