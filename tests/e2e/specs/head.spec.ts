import path from 'node:path';
import { outDir } from '../paths';
import { expect, test } from '../fixtures';

test('the page shows the log head and follows it live, without a reload', async ({ headPage, server }) => {
  await headPage.open();
  await expect(headPage.page).toHaveTitle('Potluck');
  await expect(headPage.connectionStatus).toHaveText('live');
  const before = await headPage.shownPosition();

  // A marker on the window disappears if the page reloads.
  await headPage.page.evaluate(() => { (window as any).__notReloaded = true; });
  const appended = await server.appendEvent();
  expect(appended).toBeGreaterThan(before);

  await expect(headPage.headPosition).toHaveText(String(appended));
  expect(await headPage.page.evaluate(() => (window as any).__notReloaded)).toBe(true);
  await expect(headPage.connectionStatus).toHaveText('live');
  expect(headPage.errors).toEqual([]);

  await headPage.page.screenshot({ path: path.join(outDir, 'head.png') });
});
