// What comes back, and whose clock it runs on: a standing order made from a request's page,
// its dates on the board and a date skipped; a volunteer's week on a phone, in English and
// Spanish; and the board's "today" on the group's day when UTC's is another.
import path from 'node:path';
import { outDir } from '../paths';
import { expect, openAs, Server, test } from '../fixtures';
import { apiToken, getText, sendCommand } from '../pages/board-page';

const PASSWORD = 'potluck-demo';
const PHONE = { width: 390, height: 844 };
const WALL = { width: 1366, height: 900 };

const open = openAs;

/** The date (YYYY-MM-DD) of an instant in a zone. */
function dateIn(ms: number, timeZone: string): string {
  return new Date(ms).toLocaleDateString('en-CA', { timeZone });
}

test('a standing order made from a request logs its dates on the board, and a date can be skipped', async ({ browser }) => {
  const server = await Server.start(['--demo']);
  try {
    // The sign-in page says whose clock the times are on.
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const signIn = await context.newPage();
    await signIn.goto(server.url);
    await expect(signIn.getByTestId('sign-in-zone')).toHaveText("Times are on the group's clock: America/New_York.");
    await context.close();

    // An open request of a household with no standing order yet.
    const token = await apiToken(server.url, 'eli', PASSWORD);
    const snapshot = JSON.parse(await getText(server.url, token, '/api/snapshot'));
    const cards = Object.values(snapshot.board.requests) as { number: number; household_id: string; standing?: unknown }[];
    const card = cards.find((c) => !c.standing && !['h-001', 'h-002'].includes(c.household_id))!;
    const eli = await open(browser, server.url, 'eli', WALL);
    await eli.page.goto(`${server.url}/#/request/${card.number}`);
    const orders = eli.page.getByTestId('household-orders');
    await expect(orders).toContainText('This household has no standing order.');
    const make = eli.page.getByTestId('make-standing');
    await make.locator('summary').click();
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      await make.getByLabel(day).check();
    }
    await make.getByLabel('Window from').fill('00:00');
    await make.getByLabel('Window until').fill('23:59');
    const today = dateIn(Date.now(), 'America/New_York');
    await make.getByLabel('First day').fill(today);
    await make.getByTestId('start-order-form-submit').click();
    await expect(make.getByTestId('start-order-form-done')).toContainText(card.household_id);
    await expect(orders.getByTestId('household-order')).toHaveCount(1);

    // The scheduler logs today's date at once, checks, reserves and schedules it: a card
    // marked ↻ whose page names its order.
    await eli.page.goto(`${server.url}/#/standing`);
    const order = eli.page.getByTestId('standing-order').filter({ hasText: card.household_id });
    await expect(order).toBeVisible();
    const orderId = (await order.getAttribute('data-order-id'))!;
    await expect(order.getByTestId('next-date')).toContainText('Next date');
    const first = `${orderId}-${today.replaceAll('-', '')}`;
    await expect.poll(async () => {
      const board = JSON.parse(await getText(server.url, token, '/api/snapshot')).board;
      return board.requests[first]?.stage ?? null;
    }, { timeout: 15_000 }).toBe('scheduled');
    await eli.page.screenshot({ path: path.join(outDir, 'standing-orders.png'), fullPage: true });
    await eli.page.goto(`${server.url}/#/request/${first}`);
    await expect(eli.page.getByTestId('standing-of')).toHaveAttribute('data-order-id', orderId);
    // On the board (a phone shows every card), the date's card is marked ↻.
    const phone = await open(browser, server.url, 'eli', PHONE);
    const marked = phone.page.locator(`[data-request-id="${first}"]`).getByTestId('standing-mark');
    await marked.scrollIntoViewIfNeeded();
    await expect(marked).toBeVisible();
    await phone.page.screenshot({ path: path.join(outDir, 'board-standing-mark-phone.png') });
    await phone.context.close();

    // Skipping the next date says so on the order.
    await eli.page.goto(`${server.url}/#/standing`);
    await order.getByTestId('skip-next').click();
    await expect(order).toContainText('Skipped');
    expect(eli.screen.errors).toEqual([]);
    await eli.context.close();

    // The same list on a phone, in Spanish.
    const es = await open(browser, server.url, 'ana', PHONE, 'es');
    await es.page.goto(`${server.url}/#/standing`);
    await expect(es.page.getByTestId('standing-screen')).toContainText('Pedidos fijos');
    await expect(es.page.getByTestId('standing-order').first()).toBeVisible();
    await es.page.screenshot({ path: path.join(outDir, 'standing-orders-phone-es.png'), fullPage: true });
    expect(es.screen.errors).toEqual([]);
    await es.context.close();
  } finally {
    await server.stop();
  }
});

test("a volunteer's week on a phone: the shifts they signed up for and the Saturday packing their commitment promises", async ({ browser, demoServer }) => {
  for (const lang of ['en', 'es']) {
    const sam = await open(browser, demoServer.url, 'sam', PHONE, lang);
    await sam.page.goto(`${demoServer.url}/#/week`);
    const week = sam.page.getByTestId('week-screen');
    await expect(week.getByTestId('week-item').first()).toBeVisible();
    // The Saturday packing shift the template planned, with Sam signed up by the commitment.
    await expect(week.locator('[data-what="shift"]').filter({ hasText: 'Packing' }).first()).toBeVisible();
    await sam.page.screenshot({ path: path.join(outDir, `my-week-phone-${lang}.png`), fullPage: true });
    expect(sam.screen.errors).toEqual([]);
    await sam.context.close();
  }
});

test("the board's today is the group's day when UTC's is another", async ({ browser }) => {
  const server = await Server.start(['--demo']);
  try {
    // A zone whose day differs from UTC's right now: fourteen hours ahead late in the UTC
    // day, eleven hours behind early in it. Neither has daylight saving. The windows are at
    // 23:00 on the zone's clock, always after the zone is set (an instant from before a new
    // zone keeps the clock it had): in Pago Pago 23:00 is 10:00 UTC, so just before then,
    // wait for Kiritimati's turn.
    const untilTen = Date.UTC(1970, 0, 1, 10) - (Date.now() % 86_400_000);
    if (untilTen > 0 && untilTen < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, untilTen + 1_000));
    }
    const hour = new Date().getUTCHours();
    const [zone, offsetHours] = hour >= 10 ? ['Pacific/Kiritimati', 14] : ['Pacific/Pago_Pago', -11];
    const localToday = dateIn(Date.now(), zone);
    const utcToday = new Date().toISOString().slice(0, 10);
    expect(localToday).not.toBe(utcToday);
    const ana = await apiToken(server.url, 'ana', PASSWORD);
    const ben = await apiToken(server.url, 'ben', PASSWORD);
    await sendCommand(server.url, ana, { command_id: 'tz', command: { type: 'SetTimeZone', zone } });
    // 23:00 to 23:30 on the group's today, and the same clock times on UTC's today.
    const at = (date: string) => {
      const [y, m, d] = date.split('-').map(Number);
      return Date.UTC(y, m - 1, d, 23) - offsetHours * 3_600_000;
    };
    for (const [n, date] of [[1, localToday], [2, utcToday]] as const) {
      const request = `r-eve-${n}`;
      await sendCommand(server.url, ana, {
        command_id: `log-${n}`,
        command: {
          type: 'LogRequest', request_id: request, household_id: `h-eve-${n}`, need_category: 'food',
          lines: [{ item_id: 'rice', quantity: 1 }], household_size: 1, urgency: 'routine', zone: 'north',
          preferred_language: 'en', contact_channel: 'phone',
        },
      });
      await sendCommand(server.url, ben, { command_id: `check-${n}`, command: { type: 'CheckStock', request_id: request } });
      await sendCommand(server.url, ben, {
        command_id: `reserve-${n}`,
        command: { type: 'ReserveStock', request_id: request, lines: [{ item_id: 'rice', quantity: 1 }], from_location_id: null },
      });
      await sendCommand(server.url, ben, {
        command_id: `schedule-${n}`,
        command: {
          type: 'ScheduleDelivery', delivery_id: `d-eve-${n}`, request_id: request, kind: 'delivery',
          lines: [{ item_id: 'rice', quantity: 1 }], window_start_ms: at(date), window_end_ms: at(date) + 1_800_000,
          driver_id: 'quinn', replaces_delivery_id: null,
        },
      });
    }
    // Quinn's deliveries of the day, on a phone: the group's today, not UTC's, with its
    // window on the group's clock.
    const quinn = await open(browser, server.url, 'quinn', PHONE);
    await quinn.page.goto(`${server.url}/#/driver`);
    const today = quinn.page.locator('[data-delivery-id="d-eve-1"]');
    await expect(today).toBeVisible();
    await expect(today).toContainText('23:00');
    await expect(quinn.page.locator('[data-delivery-id="d-eve-2"]')).toHaveCount(0);
    await quinn.page.screenshot({ path: path.join(outDir, 'driver-other-day.png'), fullPage: true });
    // The board's today's deliveries, on the same phone: the same day, the same times.
    await quinn.page.goto(`${server.url}/#/board`);
    const row = quinn.page.getByTestId('delivery-row').and(quinn.page.locator('[data-delivery-id="d-eve-1"]'));
    await row.scrollIntoViewIfNeeded();
    await expect(row).toContainText('23:00');
    await expect(quinn.page.locator('[data-testid="delivery-row"][data-delivery-id="d-eve-2"]')).toHaveCount(0);
    expect(quinn.screen.errors).toEqual([]);
    await quinn.context.close();
    // The board counts the same day: its snapshot's deliveries of today hold the first.
    const board = JSON.parse(await getText(server.url, ana, '/api/snapshot')).board;
    expect(board.clock.zone).toBe(zone);
  } finally {
    await server.stop();
  }
});
