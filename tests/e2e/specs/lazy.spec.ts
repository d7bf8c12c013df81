import { BoardPage, expect, test } from '../fixtures';

const PASSWORD = 'potluck-demo';

/** The screens that load their own WebAssembly module, by their link and test id. */
const LAZY = [
  ['Stock', 'stock-screen'],
  ['People', 'people-screen'],
  ['Money', 'money-screen'],
  ['Report', 'report-screen'],
  ['Replay', 'replay-screen'],
  ['Audit', 'audit-screen'],
  ['Import', 'import-screen'],
] as const;

/** The module files the page fetched, by name (`split_people.wasm`). */
function fetchedModules(page: import('@playwright/test').Page): Set<string> {
  const names = new Set<string>();
  page.on('requestfinished', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop() ?? '';
    if (name.endsWith('.wasm')) names.add(name);
  });
  return names;
}

test('each screen that loads on demand opens, with its own module', async ({ browser, demoServer }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const modules = fetchedModules(page);
  const screen = new BoardPage(page, demoServer.url);
  await screen.open();
  await screen.signIn('ana', PASSWORD);
  await expect(screen.connectionStatus).toHaveText('live');
  for (const [link, testId] of LAZY) {
    await screen.navigate(link);
    await expect(page.getByTestId(testId)).toBeVisible();
  }
  // Each came in a module of its own, not in the first one.
  for (const name of ['stock', 'people', 'money', 'report', 'replay', 'audit', 'import']) {
    expect(modules, `split_${name}.wasm`).toContain(`split_${name}.wasm`);
  }
  await expect(page.getByTestId('not-loaded')).toHaveCount(0);
  expect(screen.errors).toEqual([]);
  await context.close();
});

test('once the board is drawn the other screens are fetched, and open without a connection', async ({ browser, demoServer }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const modules = fetchedModules(page);
  const screen = new BoardPage(page, demoServer.url);
  await screen.open();
  await screen.signIn('quinn', PASSWORD);
  await expect(screen.connectionStatus).toHaveText('live');
  // Nothing opened but the board: the modules come in the background.
  await expect.poll(() => ['people', 'money', 'report', 'replay', 'stock'].every((n) => modules.has(`split_${n}.wasm`)), {
    timeout: 20_000,
  }).toBe(true);

  await context.setOffline(true);
  await expect(screen.connectionStatus).toHaveText('offline');
  for (const [link, testId] of LAZY.filter(([link]) => ['Stock', 'People', 'Money', 'Report', 'Replay'].includes(link))) {
    await screen.navigate(link);
    await expect(page.getByTestId(testId)).toBeVisible();
  }
  await expect(page.getByTestId('not-loaded')).toHaveCount(0);
  await context.setOffline(false);
  expect(screen.errors).toEqual([]);
  await context.close();
});

test('a screen whose module cannot be fetched says so, and opens once it can', async ({ browser, demoServer }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // As a phone that lost its signal before the background fetch: the module never arrives.
  let blocked = true;
  await page.route('**/split_people.wasm', (route) => (blocked ? route.abort('internetdisconnected') : route.continue()));
  const screen = new BoardPage(page, demoServer.url);
  await screen.open();
  await screen.signIn('ben', PASSWORD);
  await expect(screen.connectionStatus).toHaveText('live');
  await screen.navigate('People');
  const notLoaded = page.getByTestId('not-loaded');
  await expect(notLoaded).toBeVisible();
  await expect(notLoaded).toContainText('has not been loaded on this device yet');

  blocked = false;
  await notLoaded.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('people-screen')).toBeVisible();
  expect(screen.errors).toEqual([]);
  await context.close();
});
