/**
 * Debian packages the tests and benchmarks need (not the running service): Chromium for the
 * browser tests; promtool and amtool for the ops checks; the native OCR CLI the invoice benchmark compares against. Installed with
 * apt-get when missing and we may; otherwise the exact command is printed and the caller fails
 * with it. The invoice corpus fonts come from npm devDependencies, not from Debian.
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const required: { pkg: string; file: string }[] = [
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  // promtool / amtool: the alert rules, their unit tests and the Alertmanager config are checked in npm test.
  { pkg: 'prometheus', file: '/usr/bin/promtool' },
  { pkg: 'prometheus-alertmanager', file: '/usr/bin/amtool' },
];

/** The native OCR CLI is only the invoice benchmark's baseline. */
const benchOnly: { pkg: string; file: string }[] = [
  { pkg: 'tesseract-ocr', file: '/usr/bin/tesseract' },
  { pkg: 'tesseract-ocr-spa', file: '/usr/share/tesseract-ocr/5/tessdata/spa.traineddata' },
];

export function ensureSystemPackages({ forBench = false } = {}): void {
  const missing = [...required, ...(forBench ? benchOnly : [])].filter((r) => !existsSync(r.file)).map((r) => r.pkg);
  if (!missing.length) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) throw new Error(`missing Debian packages ${missing.join(', ')}; install them with: sudo sh -c '${command}'`);
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  execSync(command, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

if (import.meta.url === `file://${process.argv[1]}`) ensureSystemPackages({ forBench: process.argv.includes('--bench') });
