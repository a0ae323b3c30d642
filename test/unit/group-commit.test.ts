import test from 'ava';
import { GroupCommitter } from '../../src/shared/group-commit.js';

test('concurrent submissions are applied together and each gets its own result', async (t) => {
  const groups: number[][] = [];
  const c = new GroupCommitter<number, number>({ maxSize: 10, maxWaitMs: 5 }, async (items) => (groups.push(items), items.map((i) => i * 2)), async (i) => i * 2);
  const results = await Promise.all(Array.from({ length: 25 }, (_, i) => c.submit(i)));
  t.deepEqual(results, Array.from({ length: 25 }, (_, i) => i * 2));
  t.deepEqual(groups.map((g) => g.length), [10, 10, 5]);
});

test('when a group fails, items are retried alone so only the bad one fails', async (t) => {
  const c = new GroupCommitter<number, number>(
    { maxSize: 10, maxWaitMs: 1 },
    async () => {
      throw new Error('group failed');
    },
    async (i) => {
      if (i === 3) throw new Error('bad item');
      return i;
    },
  );
  const results = await Promise.allSettled([1, 2, 3, 4].map((i) => c.submit(i)));
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
});

test('with no wait, what arrives in one turn leaves together and what arrives while all slots commit forms the next group', async (t) => {
  const groups: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const c = new GroupCommitter<number, number>({ maxSize: 100, maxWaitMs: 0, maxInFlight: 1 }, async (items) => {
    groups.push(items);
    if (groups.length === 1) await gate;
    return items;
  }, async (i) => i);
  const first = [1, 2, 3].map((i) => c.submit(i));
  await new Promise((r) => setImmediate(r));
  t.deepEqual(groups, [[1, 2, 3]]);
  const second = [4, 5].map((i) => c.submit(i));
  await new Promise((r) => setImmediate(r));
  t.is(groups.length, 1, 'the slot is busy: the new items wait');
  release();
  t.deepEqual(await Promise.all([...first, ...second]), [1, 2, 3, 4, 5]);
  t.deepEqual(groups, [[1, 2, 3], [4, 5]]);
});
