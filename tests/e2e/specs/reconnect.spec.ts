import { expect, Server, test } from '../fixtures';
import { HeadPage } from '../pages/head-page';

test('the page reconnects on its own when the server comes back', async ({ page }) => {
  // A server of its own: this test stops it, which the other specs' server must not suffer.
  const server = await Server.start();
  try {
    const headPage = new HeadPage(page, server.url);
    await headPage.open();
    await expect(headPage.connectionStatus).toHaveText('live');
    const before = await server.appendEvent();
    await expect(headPage.headPosition).toHaveText(String(before));

    await server.kill();
    await expect(headPage.connectionStatus).toHaveText('reconnecting');

    await server.restart();
    await expect(headPage.connectionStatus).toHaveText('live');
    const after = await server.appendEvent();
    expect(after).toBe(before + 1);
    await expect(headPage.headPosition).toHaveText(String(after));
    expect(headPage.errors).toEqual([]);
  } finally {
    await server.stop();
  }
});
