/**
 * Browser tests: a real app (api + workers in this process, a database cloned from the template,
 * Redis with a prefix of its own) on a random port, and Debian's Chromium driven by
 * playwright-core. Each launch gets a fresh profile directory.
 *
 *   const app = await startBrowserApp({ demo: true });
 *   const page = await app.newPage();             // a fresh context (cookies) per page
 *   await signIn(page, app.users.deposito);       // session cookie in the page's context
 *   await page.goto(app.url('/'));
 *   await screenshot(page, 'resumen');
 *   t.deepEqual(await checkA11y(page), []);
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '../../src/shared/db/database.js';
import { seedDemoData } from '../../src/shared/demo/seed.js';
import { newUser } from './factories.js';
import { startTestSystem, type TestSystem } from './system.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Without the networking flags Chromium keeps calling home on a machine with no network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS_DIR = path.resolve('test/artifacts');

export interface TestUser {
  id: number;
  username: string;
  password: string;
  role: Role;
}

export interface BrowserApp {
  system: TestSystem;
  baseUrl: string;
  url: (p: string) => string;
  browser: Browser;
  /** One signed-out user per role, with known passwords. */
  users: Record<'admin' | 'deposito' | 'negocio' | 'viewer', TestUser>;
  /** A page in a context of its own (its own cookies), with `baseURL` set to the app. */
  newPage: (options?: { viewport?: { width: number; height: number } }) => Promise<Page>;
  close: () => Promise<void>;
}

/**
 * Starts the app and Chromium. `demo: true` loads the demo shop (catalog, locations, opening
 * stock, prices; without the year of simulated sales, which takes long) into the test's database.
 */
export async function startBrowserApp({ demo = false, workers = true, env = {} as Record<string, string> } = {}): Promise<BrowserApp> {
  const system = await startTestSystem({ workers, env });
  const contexts: BrowserContext[] = [];
  const profile = mkdtempSync(path.join(tmpdir(), 'gondola-chromium-'));
  let browser: Browser | undefined;
  try {
    if (demo) await seedDemoData(system.database.db, { createAdminKey: false, withSalesHistory: false });
    const users = {} as BrowserApp['users'];
    for (const role of ['admin', 'deposito', 'negocio', 'viewer'] as const) {
      const password = `clave-de-prueba-${role}`;
      const u = await newUser(system.database.db, { role, password, username: `${role}-${Math.random().toString(36).slice(2, 8)}` });
      users[role] = { id: u.id, username: u.username, password, role };
    }
    browser = await launchChromium(profile);
    const b = browser;
    return {
      system,
      baseUrl: system.baseUrl,
      url: (p) => new URL(p, system.baseUrl).toString(),
      browser: b,
      users,
      newPage: async ({ viewport = { width: 1280, height: 800 } } = {}) => {
        // bypassCSP: the axe-core check injects its script inline, which the app's CSP (rightly) refuses.
        const context = await b.newContext({ baseURL: system.baseUrl, viewport, locale: 'es-AR', timezoneId: 'America/Argentina/Buenos_Aires', bypassCSP: true, acceptDownloads: true });
        // tsx compiles test files keeping function names through a `__name` helper that the page lacks.
        await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
        contexts.push(context);
        return context.newPage();
      },
      close: async () => {
        for (const c of contexts) await c.close().catch(() => undefined);
        await b.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
        await system.close();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    await system.close();
    throw err;
  }
}

/** Debian's Chromium with the project's flags; `profile` is a fresh, empty profile directory. */
export async function launchChromium(profile: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // launch() gives Chromium a fresh temporary --user-data-dir of its own; the cache goes to ours.
    args: [...CHROMIUM_FLAGS, `--disk-cache-dir=${path.join(profile, 'cache')}`],
    timeout: 60_000,
  });
}

/**
 * Signs `user` in through the API from the page's own context, so the page's next navigations
 * carry the session cookie. Returns what POST /v1/sessions answered (user and csrfToken).
 */
export async function signIn(page: Page, user: { username: string; password: string }): Promise<{ user: { id: number; username: string; displayName: string; role: Role }; csrfToken: string }> {
  const res = await page.context().request.post('/v1/sessions', { data: { username: user.username, password: user.password } });
  if (res.status() !== 201) throw new Error(`sign-in of ${user.username} answered ${res.status()}: ${await res.text()}`);
  return res.json();
}

/** Saves a full-page PNG under test/artifacts/<name>.png (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface A11yViolation {
  id: string;
  impact: 'serious' | 'critical';
  help: string;
  helpUrl: string;
  targets: string[];
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page (WCAG 2.x A and AA rules) and returns the serious and critical
 * violations; `t.deepEqual(await checkA11y(page), [])` shows each one when it fails.
 */
export async function checkA11y(page: Page): Promise<A11yViolation[]> {
  await page.addScriptTag({ content: axeSource() });
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; helpUrl: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  });
  return results.filter((v): v is A11yViolation => v.impact === 'serious' || v.impact === 'critical');
}

/** True when the page scrolls sideways (a phone layout must not). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth > root.clientWidth;
  });
}
