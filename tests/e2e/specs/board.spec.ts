import path from 'node:path';
import { outDir } from '../paths';
import { BoardPage, expect, Server, test } from '../fixtures';
import { apiToken, sendCommand } from '../pages/board-page';

const PASSWORD = 'potluck-demo';

test('a wrong password is explained in plain words', async ({ page, demoServer }) => {
  const board = new BoardPage(page, demoServer.url);
  await board.open();
  await board.signIn('ben', 'not-the-password');
  await expect(board.signInError).toContainText('member id and password do not match');
  await expect(board.board).toHaveCount(0);
  expect(board.errors).toEqual([]);
  await page.screenshot({ path: path.join(outDir, 'sign-in.png') });
});

test('the board shows the demo requests and folds in new ones live', async ({ page, demoServer }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const board = new BoardPage(page, demoServer.url);
  await board.open();
  await board.signIn('ben', PASSWORD);

  await expect(board.board).toBeVisible();
  await expect(board.connectionStatus).toHaveText('live');
  await expect(board.requestCards.first()).toBeVisible();
  await expect(page.getByTestId('deliveries-today')).toBeVisible();
  await expect(page.getByTestId('procurement-alerts')).toBeVisible();
  await expect(page.getByTestId('stock-warnings')).toBeVisible();
  await expect(board.position).toHaveText(/^\d+$/);
  const before = Number(await board.position.textContent());

  // A marker on the window disappears if the page reloads.
  await page.evaluate(() => { (window as any).__notReloaded = true; });
  // Ben (logistics) may not log requests; Ana (coordinator) may.
  const token = await apiToken(demoServer.url, 'ana', PASSWORD);
  await sendCommand(demoServer.url, token, {
    command_id: 'e2e-log-1',
    command: {
      type: 'LogRequest',
      request_id: 'e2e-req-1',
      household_id: 'e2e-household-1',
      need_category: 'food',
      lines: [{ item_id: 'rice', quantity: 2 }],
      household_size: 3,
      urgency: 'urgent',
      zone: 'north',
      preferred_language: 'en',
      contact_channel: 'sms',
    },
  });

  const card = board.column('logged').locator('[data-request-id="e2e-req-1"]');
  await expect(card).toBeVisible();
  await expect(card).toContainText('Rice');
  expect(Number(await board.position.textContent())).toBeGreaterThan(before);
  expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
  await expect(board.connectionStatus).toHaveText('live');
  expect(board.errors).toEqual([]);

  await page.screenshot({ path: path.join(outDir, 'board.png') });
});

test('the board resumes where it was after the server restarts', async ({ page }) => {
  // A phone's board lists every card (a wall screen shows what fits).
  await page.setViewportSize({ width: 390, height: 844 });
  // A server of its own: this test stops it, which the other specs' server must not suffer.
  const server = await Server.start(['--demo']);
  try {
    const board = new BoardPage(page, server.url);
    // Records what the page sends on its `/ws` sockets, the subscriptions among them.
    await page.addInitScript(() => {
      const sent: string[] = [];
      (window as any).__sent = sent;
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (this: WebSocket, data: any) {
        if (new URL(this.url).pathname === '/ws') sent.push(String(data));
        return send.call(this, data);
      };
    });
    const sent = async () =>
      ((await page.evaluate(() => (window as any).__sent)) as string[]).map((f) => JSON.parse(f));
    await board.open();
    await board.signIn('ben', PASSWORD);
    await expect(board.requestCards.first()).toBeVisible();
    await expect(board.connectionStatus).toHaveText('live');
    await expect(board.position).toHaveText(/^\d+$/);
    const before = Number(await board.position.textContent());

    await server.kill();
    await expect(board.connectionStatus).toHaveText('reconnecting');
    await server.restart();
    await expect(board.connectionStatus).toHaveText('live');
    // The first subscription resumes after the snapshot the page fetched over HTTP (gzipped);
    // the one after the restart resumes where the board was.
    await expect.poll(async () => (await sent()).length).toBe(2);
    const [first, second] = await sent();
    expect(first.type).toBe('subscribe');
    expect(typeof first.after).toBe('number');
    expect(first.after).toBeLessThanOrEqual(before);
    expect(second).toEqual({ type: 'subscribe', after: before });

    const token = await apiToken(server.url, 'ana', PASSWORD);
    await sendCommand(server.url, token, {
      command_id: 'e2e-log-2',
      command: {
        type: 'LogRequest',
        request_id: 'e2e-req-2',
        household_id: 'e2e-household-2',
        need_category: 'food',
        lines: [{ item_id: 'rice', quantity: 1 }],
        household_size: 1,
        urgency: 'routine',
        zone: 'south',
        preferred_language: 'en',
        contact_channel: 'phone',
      },
    });
    await expect(board.column('logged').locator('[data-request-id="e2e-req-2"]')).toBeVisible();
    await expect(board.position).toHaveText(String(before + 1));
    expect(board.errors).toEqual([]);
  } finally {
    await server.stop();
  }
});
