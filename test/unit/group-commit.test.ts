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
