import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Browser, expect, test as base } from '@playwright/test';
import { BoardPage } from './pages/board-page';
import { HeadPage } from './pages/head-page';
export { BoardPage } from './pages/board-page';
import { root } from './paths';

const bin = process.env.POTLUCK_BIN ?? path.join(root, 'target/debug/potluck');
const staticDir = process.env.POTLUCK_STATIC_DIR ?? path.join(root, 'client/dist');

/**
 * A `potluck serve` of our own: a free port, a new empty data folder, the dev endpoints on.
 * `restart` brings it back on the same port and data, as a redeploy would.
 */
export class Server {
  private constructor(
    private child: ChildProcess,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  /** `extraArgs` go to `potluck serve`, e.g. `['--demo']` for a folder full of demo data. */
  static async start(extraArgs: string[] = []): Promise<Server> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'potluck-e2e-'));
    try {
      const { child, url } = await spawnServer(dataDir, '127.0.0.1:0', extraArgs);
      return new Server(child, url, dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Appends one test event through `POST /api/dev/append`; returns the new head position. */
  async appendEvent(): Promise<number> {
    const response = await fetch(`${this.url}/api/dev/append`, { method: 'POST' });
    if (!response.ok) {
      throw new Error(`POST /api/dev/append: ${response.status} ${await response.text()}`);
    }
    const body = (await response.json()) as { position: number };
    return body.position;
  }

  /** Stops the process and keeps the data folder. */
  async kill(): Promise<void> {
    await stopProcess(this.child);
  }

  /** Starts the server again on the same address and data folder. */
  async restart(): Promise<void> {
    await stopProcess(this.child);
    const { child } = await spawnServer(this.dataDir, new URL(this.url).host);
    this.child = child;
  }

  /** Stops the process and deletes the data folder. */
  async stop(): Promise<void> {
    await stopProcess(this.child);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function spawnServer(dataDir: string, bind: string, extraArgs: string[] = []) {
  const args = ['serve', '--bind', bind, '--data', dataDir, '--static-dir', staticDir,
    '--dev-endpoints', ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // The demo month is filled in before the server listens.
    return { child, url: await listeningUrl(child, 90_000) };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${bin} ${args.join(' ')}: ${(error as Error).message}`);
  }
}

/** Waits for the server's `listening on http://HOST:PORT` line on its standard output. */
function listeningUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line in ${timeoutMs} ms`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      process.stdout.write(`[potluck] ${line}\n`);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before listening`));
    });
  });
}

/** Asks the process to stop (SIGTERM) and makes it stop (SIGKILL) after five seconds. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

type WorkerFixtures = { server: Server; demoServer: Server };
type TestFixtures = { headPage: HeadPage };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    async ({}, use) => {
      const server = await Server.start();
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  demoServer: [
    async ({}, use) => {
      const server = await Server.start(['--demo']);
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  headPage: async ({ page, server }, use) => {
    await use(new HeadPage(page, server.url));
  },
});

export { expect } from '@playwright/test';

/**
 * A new browser context signed in as `memberId` (demo password), live, on the screen the
 * navigation calls `screenName`.
 */
export async function signedIn(browser: Browser, url: string, memberId: string, screenName: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn(memberId, 'potluck-demo');
  await expect(screen.connectionStatus).toHaveText('live');
  await screen.navigate(screenName);
  return { context, page, screen };
}

/**
 * A new browser context of the given size, signed in as `memberId` (demo password), on the
 * board, in `lang` (the page's language switch).
 */
export async function openAs(
  browser: Browser, url: string, memberId: string,
  viewport: { width: number; height: number }, lang = 'en',
) {
  const context = await browser.newContext({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  const page = await context.newPage();
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn(memberId, 'potluck-demo');
  await expect(screen.board).toBeVisible();
  if (lang !== 'en') {
    await screen.board.getByTestId('language').selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
  }
  return { context, page, screen };
}
