// `npm run build`: compiles src/, migrations/ and the migrate/seed scripts with tsc into dist/
// (the Docker image runs that JavaScript, not a TypeScript loader) and copies the files tsc does
// not emit: the .mjs entry points of child processes and threads, and the demo data.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

const assets = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return assets(file);
    return /\.(ts|tsx)$/.test(name) ? [] : [file];
  });
const copied = assets('src');
for (const file of copied) cpSync(file, path.join('dist', file));
console.log(`built dist/ (${copied.length} asset files copied)`);
