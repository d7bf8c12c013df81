import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { outDir } from '../paths';
import { BoardPage, expect, test } from '../fixtures';

const PASSWORD = 'potluck-demo';
const BOARD = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

/** A member signed in on a browser context of their own, like a phone or a laptop. */
async function signedIn(browser: Browser, url: string, memberId: string, viewport = PHONE) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const screen = new BoardPage(page, url);
  await screen.open();
  await screen.signIn(memberId, PASSWORD);
  await expect(screen.connectionStatus).toHaveText('live');
  return { context, page, screen };
}

function isoDate(daysFromToday: number): string {
  return new Date(Date.now() + daysFromToday * 86_400_000).toISOString().slice(0, 10);
}

async function stage(page: Page): Promise<string | null> {
  return page.getByTestId('request-stage').getAttribute('data-stage');
}

test('a request goes from intake to delivered and feedback across four screens', async ({ browser, demoServer }) => {
  test.setTimeout(90_000);
  const url = demoServer.url;
  // Ben, logistics, on the big screen; Eli, communications, and Lena, a driver, on phones.
  const ben = await signedIn(browser, url, 'ben', BOARD);
  const eli = await signedIn(browser, url, 'eli');
  const lena = await signedIn(browser, url, 'lena');

  // Ben receives rice from the food bank, so the request below finds it in stock.
  await ben.screen.navigate('Stock');
  const receive = ben.page.getByTestId('receive-form');
  await receive.getByLabel('Item').selectOption('rice');
  await receive.getByLabel('Location').selectOption('church-pantry');
  await receive.getByLabel('Quantity').fill('40');
  await receive.getByLabel('Expires on (food)').fill(isoDate(30));
  await receive.getByLabel('Source').selectOption('donation');
  await receive.getByLabel('From partner').selectOption('city-food-bank');
  await receive.getByRole('button', { name: 'Receive' }).click();
  await expect(ben.page.getByTestId('last-done')).toContainText('Receive stock');
  await ben.screen.navigate('Board');
  await expect(ben.screen.requestCards.first()).toBeVisible();
  await ben.page.evaluate(() => { (window as any).__notReloaded = true; });

  const logged = ben.screen.column('logged');
  const loggedBefore = Number(await logged.getByTestId('column-count').textContent());

  // Eli logs a request on a phone, with the keyboard where a phone has one.
  await eli.screen.navigate('New request');
  await eli.page.getByLabel('Need').selectOption('food');
  await eli.page.locator('#intake-item-0').selectOption('rice');
  await eli.page.locator('#intake-quantity-0').fill('2');
  await eli.page.getByLabel('People in the household').fill('3');
  await eli.page.getByLabel('Urgency').selectOption('urgent');
  await eli.page.getByLabel('Zone').selectOption('North');
  await eli.page.getByLabel('Contact by').selectOption('sms');
  await eli.page.getByLabel('Name').fill('Rosalind Weatherby-Test');
  await eli.page.getByLabel('Phone').fill('555-0100-4242');
  await eli.page.getByLabel('Address').fill('12 Lantern Court');
  await eli.page.getByTestId('intake-submit').click();
  await eli.page.waitForURL(/#\/request\//);
  const requestId = decodeURIComponent(eli.page.url().split('#/request/')[1]);
  await expect.poll(() => stage(eli.page)).toBe('logged');
  // Its short number, which the board, the driver's card and people on the phone use.
  await expect(eli.page.getByTestId('request-number')).toHaveText(/^#\d+$/);
  const number = (await eli.page.getByTestId('request-number').textContent())!.trim();

  // It reaches Ben's board without a reload: the logged column counts it, and among the
  // cards that fit the wall screen it comes right after the late ones, being urgent.
  await expect(logged.getByTestId('column-count')).toHaveText(String(loggedBefore + 1));
  // Only late cards and urgent ones may come before it.
  const cards = await logged.getByTestId('request-card').evaluateAll((all) => all.map((c) => ({
    id: c.getAttribute('data-request-id'), late: c.getAttribute('data-late') !== null, urgency: c.getAttribute('data-urgency'),
  })));
  const onTime = cards.filter((card) => !card.late);
  const ours = onTime.findIndex((card) => card.id === requestId);
  const ahead = ours === -1 ? onTime : onTime.slice(0, ours);
  expect(ahead.filter((card) => card.urgency !== 'urgent')).toEqual([]);
  expect(await ben.page.evaluate(() => (window as any).__notReloaded)).toBe(true);
  // He opens it by the number Eli read out, checks stock, reserves and schedules it.
  await ben.page.getByTestId('goto-number').fill(number);
  await ben.page.getByTestId('goto-number').press('Enter');
  await expect(ben.page.getByTestId('request-number')).toHaveText(number);
  await ben.page.getByTestId('check-stock').click();
  await expect.poll(() => stage(ben.page)).toBe('checked');
  await ben.page.getByTestId('reserve').click();
  await expect.poll(() => stage(ben.page)).toBe('reserved');
  await ben.page.getByTestId('schedule-form').getByRole('button', { name: 'Schedule' }).click();
  await expect.poll(() => stage(ben.page)).toBe('scheduled');

  // Eli confirms with the household.
  await eli.page.getByTestId('confirm-form').getByRole('button').click();
  await expect.poll(() => stage(eli.page)).toBe('confirmed');

  // Lena claims it on her phone, sees where to go, starts and completes it.
  await lena.screen.navigate('My deliveries');
  const byNumber = lena.page.getByRole('link', { name: number, exact: true });
  const open = lena.page.getByTestId('open-delivery').filter({ has: byNumber });
  await open.getByTestId('claim').click();
  const mine = lena.page.getByTestId('my-delivery').filter({ has: byNumber });
  await expect(mine.getByTestId('driver-items')).toHaveText('To bring: 2 × Rice');
  await expect(mine).toHaveAttribute('data-status', 'assigned');
  await expect(mine.getByTestId('contact-details')).toContainText('12 Lantern Court');
  await expect(mine.getByTestId('contact-details')).toContainText('555-0100-4242');
  await expect(mine.getByTestId('contact-details')).not.toContainText('Rosalind');
  await expect(mine.getByTestId('driver-call')).toHaveAttribute('href', 'tel:55501004242');
  await expect(mine.getByTestId('driver-map')).toHaveAttribute('href', /openstreetmap\.org\/search\?query=12%20Lantern%20Court$/);
  await mine.getByTestId('start').click();
  await expect(mine).toHaveAttribute('data-status', 'out');
  await lena.page.screenshot({ path: path.join(outDir, 'driver-phone.png') });
  await mine.getByTestId('complete').click();
  await expect(mine).toHaveAttribute('data-status', 'completed');

  // The board shows it delivered: off the open columns. (Today's deliveries show what fits
  // the wall screen; the demo day has more than that.)
  await ben.screen.navigate('Board');
  await expect(ben.screen.requestCards.first()).toBeVisible();
  await expect(ben.page.locator(`[data-testid="request-card"][data-request-id="${requestId}"]`)).toHaveCount(0);
  await ben.page.screenshot({ path: path.join(outDir, 'board-1920x1080.png') });

  // Eli records the household's feedback; the timeline shows every step.
  await expect.poll(() => stage(eli.page)).toBe('delivered');
  const feedback = eli.page.getByTestId('feedback-form');
  await feedback.getByLabel('From').selectOption('household');
  await feedback.getByLabel('Rating').selectOption('5');
  await feedback.getByLabel('What they said').fill('Arrived warm, thank you');
  await feedback.getByRole('button', { name: 'Record feedback' }).click();
  const steps = eli.page.getByTestId('timeline-step');
  await expect(steps.last()).toHaveAttribute('data-event', 'FeedbackRecorded');
  const events = await steps.evaluateAll((items) => items.map((i) => i.getAttribute('data-event')));
  expect(events).toEqual([
    'RequestLogged', 'StockChecked', 'StockReserved', 'DeliveryScheduled', 'HouseholdConfirmed',
    'DeliveryClaimed', 'DeliveryStarted', 'DeliveryCompleted', 'FeedbackRecorded',
  ]);

  for (const member of [ben, eli, lena]) {
    await expect(member.page.getByTestId('error')).toHaveCount(0);
    expect(member.screen.errors).toEqual([]);
    await member.context.close();
  }
});

test('the language can be switched to Spanish and back', async ({ page, demoServer }) => {
  const board = new BoardPage(page, demoServer.url);
  await board.open();
  await board.signIn('ben', PASSWORD);
  await expect(board.connectionStatus).toHaveText('live');
  await page.getByTestId('shell').getByTestId('language').selectOption('es');
  await expect(board.connectionStatus).toHaveText('en vivo');
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Existencias' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.getByTestId('shell').getByTestId('language').selectOption('en');
  await expect(board.connectionStatus).toHaveText('live');
});

test('members are offered only what their roles allow', async ({ page, demoServer }) => {
  const board = new BoardPage(page, demoServer.url);
  await board.open();
  await board.signIn('sam', PASSWORD);
  await expect(board.connectionStatus).toHaveText('live');
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Board' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'New request' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'My deliveries' })).toHaveCount(0);
  await board.navigate('Stock');
  await expect(page.getByTestId('stock-row').first()).toBeVisible();
  for (const form of ['receive-form', 'adjust-form', 'transfer-form', 'threshold-form']) {
    await expect(page.getByTestId(form)).toHaveCount(0);
  }
  const firstCard = page.getByTestId('request-card').first();
  await board.navigate('Board');
  await firstCard.getByRole('link').click();
  await expect(page.getByTestId('request-stage')).toBeVisible();
  for (const action of ['check-stock', 'reserve', 'schedule-form', 'cancel-form', 'claim', 'contact']) {
    await expect(page.getByTestId(action)).toHaveCount(0);
  }
  // Feedback is asked for once a request is delivered; open cards have none yet.
  await expect(page.getByTestId('feedback-form')).toHaveCount(0);
  await expect(page.getByTestId('timeline-step').first()).toBeVisible();
});
