import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ESLint } from 'eslint';

/**
 * Each fixture in test/fixtures/lint/ breaks one architecture rule. Its header says where it is
 * linted as (`lint-as`), which rules must fire (`expect`), and optionally a place where the same
 * code is allowed (`allowed-as`), so a rule that fires everywhere fails too.
 */
const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'test/fixtures/lint');
const eslint = new ESLint({ cwd: root });

const header = (text: string, key: string) => [...text.matchAll(new RegExp(`^// ${key}: (.+)$`, 'gm'))].map((m) => m[1]!.trim());
const rulesFired = async (code: string, filePath: string) => {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return new Set(result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`));
};

for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  test(`lint refuses the fixture ${file}`, async (t) => {
    const code = readFileSync(path.join(dir, file), 'utf8');
    const [lintAs] = header(code, 'lint-as');
    const expected = header(code, 'expect');
    t.truthy(lintAs, 'the fixture says where it is linted as');
    t.true(expected.length > 0, 'the fixture says which rule must fire');
    const fired = await rulesFired(code, lintAs!);
    for (const rule of expected) t.true(fired.has(rule), `${rule} fires on ${file} as ${lintAs}; fired: ${[...fired].join(', ') || 'nothing'}`);
    for (const allowedAs of header(code, 'allowed-as')) {
      const there = await rulesFired(code, allowedAs);
      for (const rule of expected) t.false(there.has(rule), `${rule} does not fire on the same code as ${allowedAs}`);
    }
  });
}

test('the project itself lints clean under the same rules (a sample of the files each rule guards)', async (t) => {
  const files = ['src/shared/config.ts', 'src/shared/db/transaction.ts', 'src/shared/jobs/enqueue.ts', 'src/shared/domain/stock.ts', 'src/workers/define-worker.ts'];
  const results = await eslint.lintFiles(files.map((f) => path.join(root, f)));
  t.deepEqual(results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}`)), []);
});
