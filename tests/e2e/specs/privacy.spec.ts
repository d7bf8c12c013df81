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
  // The board is drawn (a wall screen shows the cards that fit; the request's own page is
  // among the screens below).
  await expect(screen.requestCards.first()).toBeVisible();

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

test('a coordinator forgets a household from its request: the details are gone for good', async ({ browser, demoServer }) => {
  const url = demoServer.url;
  const ana = await apiToken(url, 'ana', PASSWORD);
  await sendCommand(url, ana, {
    command_id: 'privacy-log-forget',
    command: {
      type: 'LogRequest', request_id: 'r-forget-1', household_id: 'h-forget-1', need_category: 'food',
      lines: [{ item_id: 'rice', quantity: 1 }], household_size: 2, urgency: 'soon', zone: 'west',
      preferred_language: 'en', contact_channel: 'phone',
      personal_data: { name: 'Forget Me-Please', phone: '555-0199-1111', address: '1 Vanishing Row', notes: '' },
    },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn('ana', PASSWORD);
  await page.evaluate(() => { window.location.hash = '#/request/r-forget-1'; });
  // Contact details are among the request's "More actions", folded away until asked for.
  const more = page.getByTestId('more-actions');
  const unfold = async () => {
    if (!(await more.evaluate((details: HTMLDetailsElement) => details.open))) await more.locator('summary').first().click();
  };
  await unfold();
  const contact = page.getByTestId('contact');
  await contact.getByRole('button', { name: 'Show contact details' }).click();
  await expect(page.getByTestId('contact-details')).toContainText('1 Vanishing Row');

  await page.getByTestId('erase').locator('summary').click();
  await page.getByTestId('erase-form').getByRole('button', { name: 'Forget them' }).click();
  await expect(page.getByTestId('contact-details')).toHaveCount(0);
  await unfold();
  await contact.getByRole('button', { name: 'Show contact details' }).click();
  await expect(contact).toContainText('erased');
  await expect(contact).not.toContainText('1 Vanishing Row');
  // The log says why, with the reason the form proposed.
  const events = await (await fetch(`${url}/api/events?after=0`, { headers: { authorization: `Bearer ${ana}` } })).text();
  expect(events).toContain('"HouseholdErased"');
  expect(events).toContain('Asked to be forgotten');
  expect(screen.errors).toEqual([]);
  await context.close();
});
