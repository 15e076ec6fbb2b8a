/**
 * The `db` fixture with `dbReset: 'truncate'`: writes really commit.
 *
 * Choose it only for code that needs real commits: a second connection or
 * client that must see the data (a worker, a reporting job, LISTEN/NOTIFY),
 * or behaviour of COMMIT itself. In the default `transaction` mode nothing
 * commits, so another connection sees nothing. The price: every table is
 * emptied after each test (tens of ms instead of under 1 ms).
 */
import { describe, test } from '@ctoprojects/fixtures/vitest';
import * as scenarios from './scenarios.ts';

const committing = test.override({ dbReset: 'truncate' });

describe('across connections', () => {
  committing('a second client sees a committed rating', ({ db }) => scenarios.aSecondClientSeesACommittedRating(db));

  committing('a roll-up job on its own connection sees a completed session', ({ db }) =>
    scenarios.aRollUpJobOnItsOwnConnectionSeesACompletedSession(db),
  );
});
