import test from 'ava';
import { runChaos } from '../../../scripts/chaos.js';

test('chaos drill (short): worker kill -9s, an api kill -9, Redis restart without persistence, PostgreSQL immediate restart, Redis paused — nothing lost, nothing doubled, no process died', async (t) => {
  t.timeout(300_000);
  const lines: string[] = [];
  const result = await runChaos({ short: true, log: (l) => lines.push(l) });
  t.log(JSON.stringify(result));
  if (result.processesDied || result.lost) t.log(lines.join('\n').slice(-6000));
  t.true(result.accepted > 0);
  t.is(result.lost, 0, 'accepted movements left unapplied');
  t.is(result.doubled, 0);
  t.is(result.processesDied, 0);
  t.is(result.applied, result.accepted);
  t.true(result.integrityOk, 'stock_levels = Σ ledger');
  t.true(result.balanceOk, 'the balances add up to the applied receipts');
  t.deepEqual(result.faults, { workerKill9: 5, apiKill9: 1, redisRestartEmpty: 1, postgresRestartImmediate: 1, redisPaused: 1 });
  t.is(result.statusCounts['500'], undefined, 'no 500 answers');
  t.is(result.repricing?.runStatus, 'completed');
  t.is(result.repricing?.doubled, 0);
  t.is(result.repricing?.productsPriced, 4);
  t.like(result.invoicePost, { answer: 202, status: 'posted', lines: 4, receipts: 4, ledgerRows: 4 });
});
