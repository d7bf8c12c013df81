import { BoardPage, expect, test } from '../fixtures';
import { apiToken, getText, sendCommand } from '../pages/board-page';

const PASSWORD = 'potluck-demo';

/** A delivery of rice to a new request, assigned to `driver` and out on the road. */
async function deliveryOutWith(url: string, driver: string, id: string): Promise<void> {
  const [ana, ben, theDriver] = await Promise.all(
    ['ana', 'ben', driver].map((member) => apiToken(url, member, PASSWORD)),
  );
  const day = Math.floor(Date.now() / 86_400_000);
  const now = Date.now();
  const steps: [string, Record<string, unknown>][] = [
    [ben, { type: 'ReceiveStock', item_id: 'rice', location_id: 'church-pantry', quantity: 5,
      expires_on_day: day + 20, source: { kind: 'donation', partner_id: 'city-food-bank' } }],
    [ana, { type: 'LogRequest', request_id: `r-${id}`, household_id: `h-${id}`, need_category: 'food',
      lines: [{ item_id: 'rice', quantity: 1 }], household_size: 2, urgency: 'soon', zone: 'east',
      preferred_language: 'en', contact_channel: 'phone' }],
    [ben, { type: 'CheckStock', request_id: `r-${id}` }],
    [ben, { type: 'ReserveStock', request_id: `r-${id}`, lines: [{ item_id: 'rice', quantity: 1 }],
      from_location_id: null }],
    [ben, { type: 'ScheduleDelivery', delivery_id: `d-${id}`, request_id: `r-${id}`, kind: 'delivery',
      lines: [{ item_id: 'rice', quantity: 1 }], window_start_ms: now, window_end_ms: now + 7_200_000,
      driver_id: driver, replaces_delivery_id: null }],
    [theDriver, { type: 'StartDelivery', delivery_id: `d-${id}` }],
  ];
  for (const [i, [token, command]] of steps.entries()) {
    await sendCommand(url, token, { command_id: `setup-${id}-${i}`, command });
  }
}

/** How many `DeliveryCompleted` events the log holds for `deliveryId`, as the coordinator reads it. */
async function completions(url: string, deliveryId: string): Promise<number> {
  const token = await apiToken(url, 'ana', PASSWORD);
  const log = await getText(url, token, '/api/events');
  return log
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((e) => e.event_type === 'DeliveryCompleted' && e.payload.delivery_id === deliveryId).length;
}

test('a delivery completed while offline is sent once the connection is back, exactly once', async ({ browser, demoServer }) => {
  const url = demoServer.url;
  await deliveryOutWith(url, 'marco', 'offline-1');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn('marco', PASSWORD);
  await screen.navigate('My deliveries');
  const mine = page.locator('[data-testid="my-delivery"][data-delivery-id="d-offline-1"]');
  await expect(mine).toHaveAttribute('data-status', 'out');

  // Requests the page sends while offline fail as they would on a phone out of signal (the
  // interception below sees them before the offline emulation does). Once back, the first
  // answer is lost on the way, as on a flaky mobile network: the server stores the command,
  // the phone never hears so, and sends it again with the same command id.
  let offline = false;
  let posts = 0;
  await page.route('**/api/commands', async (route) => {
    if (offline) {
      await route.abort('internetdisconnected');
      return;
    }
    posts += 1;
    if (posts === 1) {
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });

  offline = true;
  await context.setOffline(true);
  await expect(screen.connectionStatus).toHaveText('offline');
  await mine.getByTestId('complete').click();
  await expect(page.getByTestId('waiting')).toContainText('1 waiting');
  await expect(mine.getByTestId('complete')).toBeDisabled();
  await expect(mine).toHaveAttribute('data-status', 'out');
  // Leaving the page now would lose the waiting action: the browser asks first.
  const asked = page.waitForEvent('dialog');
  void page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();

  offline = false;
  await context.setOffline(false);
  await expect(mine).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('waiting')).toHaveCount(0);
  await expect(screen.connectionStatus).toHaveText('live');
  expect(posts, 'the lost answer made the page send again').toBeGreaterThanOrEqual(2);
  expect(await completions(url, 'd-offline-1')).toBe(1);
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(screen.errors).toEqual([]);
  await context.close();
});

test('a refused action is explained in plain words, not dropped silently', async ({ browser, demoServer }) => {
  const url = demoServer.url;
  await deliveryOutWith(url, 'nia', 'refused-1');
  // Someone else completes it first, from another phone.
  const nia = await apiToken(url, 'nia', PASSWORD);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn('nia', PASSWORD);
  await screen.navigate('My deliveries');
  const mine = page.locator('[data-testid="my-delivery"][data-delivery-id="d-refused-1"]');
  await expect(mine).toHaveAttribute('data-status', 'out');
  await context.setOffline(true);
  await mine.getByTestId('complete').click();
  await sendCommand(url, nia, { command_id: 'other-phone', command: { type: 'CompleteDelivery', delivery_id: 'd-refused-1' } });
  await context.setOffline(false);
  await expect(page.getByTestId('error')).toContainText(/Complete delivery #\d+: Not at this step/);
  await page.getByTestId('error').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(await completions(url, 'd-refused-1')).toBe(1);
  await context.close();
});

test('an ended session sends the page back to sign-in instead of reconnecting forever', async ({ browser, demoServer }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const screen = new BoardPage(page, demoServer.url);
  await screen.open();
  await screen.signIn('ben', PASSWORD);
  await expect(screen.connectionStatus).toHaveText('live');
  // The session ends elsewhere: the same cookie signs out from another tab.
  const other = await context.newPage();
  await other.goto(demoServer.url);
  await other.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
  await other.close();
  // The next action finds out.
  await screen.navigate('Stock');
  const threshold = page.getByTestId('threshold-form');
  await threshold.getByLabel('Item').selectOption('rice');
  await threshold.getByLabel('Quantity').fill('3');
  await threshold.getByRole('button').click();
  await expect(page.getByTestId('sign-in-form')).toBeVisible();
  await expect(page.getByTestId('sign-in-note')).toContainText('session has ended');
  await context.close();
});
