// Builds the web app (web/dist) when it is missing or older than its sources, so `npm start`
// and `npm test` on a fresh clone serve the current app without a separate step.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const built = 'web/dist/index.html';
const newest = (path) => {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return path.endsWith('schema.d.ts') ? 0 : s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
};
const sources = Math.max(...['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'web/postcss.config.cjs', 'package-lock.json'].map(newest));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('building the web app (npm run web:build)…');
  execSync('npm run web:build', { stdio: 'inherit' });
}
