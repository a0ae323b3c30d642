/**
 * Debian packages the invoice benchmark needs (not the tests, not the running service): the
 * native OCR CLI it compares against. Installed with apt-get when missing and we may; otherwise
 * the exact command is printed and the caller fails with it. The corpus fonts come from npm.
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benchOnly: { pkg: string; file: string }[] = [
  { pkg: 'tesseract-ocr', file: '/usr/bin/tesseract' },
  { pkg: 'tesseract-ocr-spa', file: '/usr/share/tesseract-ocr/5/tessdata/spa.traineddata' },
];

export function ensureSystemPackages(): void {
  const missing = benchOnly.filter((r) => !existsSync(r.file)).map((r) => r.pkg);
  if (!missing.length) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) throw new Error(`missing Debian packages ${missing.join(', ')}; install them with: sudo sh -c '${command}'`);
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  execSync(command, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

if (import.meta.url === `file://${process.argv[1]}`) ensureSystemPackages();
