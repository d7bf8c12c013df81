import { BoardPage, expect, test } from '../fixtures';
import { apiToken, sendCommand } from '../pages/board-page';

const PASSWORD = 'potluck-demo';
const NAME = 'Philippa Quarrington-Secret';
const PHONE = '555-0199-7373';
const ADDRESS = '9 Hollowmere Gardens';

test("a volunteer's screens never show a household's name, phone or address", async ({ browser, demoServer }) => {
  const url = demoServer.url;
  const ana = await apiToken(url, 'ana', PASSWORD);
  await sendCommand(url, ana, {
    command_id: 'privacy-log-1',
    command: {
      type: 'LogRequest', request_id: 'r-private-1', household_id: 'h-private-1', need_category: 'food',
      lines: [{ item_id: 'rice', quantity: 1 }], household_size: 1, urgency: 'urgent', zone: 'west',
      preferred_language: 'es', contact_channel: 'phone',
      personal_data: { name: NAME, phone: PHONE, address: ADDRESS, notes: 'ring twice' },
    },
  });

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  // Everything the server sends the page over its sockets, and every HTTP answer it reads.
  const received: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => received.push(String(payload))));
  page.on('response', async (response) => {
    if (response.url().includes('/api/')) received.push(await response.text().catch(() => ''));
  });
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn('sam', PASSWORD);
  await expect(screen.card('r-private-1')).toBeVisible();

  const seen: string[] = [];
  const screens = [
    ['#/board', 'board-screen'], ['#/request/r-private-1', 'request-stage'], ['#/stock', 'stock-screen'],
    ['#/driver', 'driver-screen'], ['#/intake', 'not-allowed'],
  ];
  for (const [hash, shown] of screens) {
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    await expect(page.getByTestId(shown)).toBeVisible();
    seen.push(await page.content());
  }

  for (const text of [...seen, ...received]) {
    for (const secret of [NAME, PHONE, ADDRESS]) {
      expect(text.includes(secret), `${secret} reached a volunteer`).toBe(false);
    }
  }
  expect(received.length).toBeGreaterThan(0);
  expect(screen.errors).toEqual([]);
  await context.close();
});
