// Installs npm dependencies when node_modules is missing or older than the lockfile, so a
// fresh clone needs nothing but `npm start` / `npm test`.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  // `npm install`, not `npm ci`: the lockfile pins versions either way, and npm ci refuses a
  // lockfile that lacks optional platform packages the registry here does not serve.
  console.log('installing dependencies (npm install)…');
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit' });
}
