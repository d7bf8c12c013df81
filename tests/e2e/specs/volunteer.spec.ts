// The screens as volunteers meet them: the wall board at two sizes, a driver's phone, a
// request by its number, a form clicked twice, the group's settings, refusals in Spanish.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { outDir } from '../paths';
import { expect, openAs, Server, test } from '../fixtures';
import { apiToken, sendCommand } from '../pages/board-page';

const PASSWORD = 'potluck-demo';
const PHONE = { width: 390, height: 844 };

const open = openAs;

/** Every card and panel row lies inside its column or panel, and nothing scrolls sideways. */
async function nothingCut(page: Page) {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) found.push(`scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    if (doc.scrollHeight > window.innerHeight) found.push(`scrolls down: ${doc.scrollHeight} > ${window.innerHeight}`);
    for (const box of document.querySelectorAll('.column, .panel')) {
      const edge = box.getBoundingClientRect();
      for (const item of box.querySelectorAll('[data-testid="request-card"], li')) {
        const r = item.getBoundingClientRect();
        if (r.bottom > edge.bottom + 1 || r.right > edge.right + 1) {
          found.push(`${box.getAttribute('data-testid')}: "${(item.textContent ?? '').slice(0, 40)}" is cut`);
        }
      }
    }
    return found;
  });
  expect(problems).toEqual([]);
}

for (const size of [{ width: 1920, height: 1080 }, { width: 1366, height: 768 }]) {
  test(`the wall board fits ${size.width}×${size.height}: late cards first, what is late in words, +N more`, async ({ browser, demoServer }) => {
    const ana = await open(browser, demoServer.url, 'ana', size);
    await expect(ana.screen.requestCards.first()).toBeVisible();
    await nothingCut(ana.page);

    // Each column counts all its cards, shows what fits and says how many more there are.
    const columns = ana.page.locator('section.column');
    let anyMore = false;
    for (const column of await columns.all()) {
      const total = Number((await column.getByTestId('column-count').textContent())?.trim());
      const shown = await column.getByTestId('request-card').count();
      const more = column.getByTestId('more');
      if (shown < total) {
        anyMore = true;
        await expect(more).toHaveText(`+${total - shown} more`);
      } else {
        expect(shown).toBe(total);
        await expect(more).toHaveCount(0);
      }
      // Late cards come first, each saying what is overdue.
      const late = await column.getByTestId('request-card').evaluateAll((cards) =>
        cards.map((c) => c.getAttribute('data-late') !== null));
      expect(late).toEqual([...late].sort((a, b) => Number(b) - Number(a)));
    }
    expect(anyMore).toBe(true);
    // The demo's "logged" cards are hours old: past the 45 minutes to check stock.
    const logged = ana.screen.column('logged');
    await expect(logged.getByTestId('late-count')).toHaveText(/^\d+ late$/);
    await expect(logged.getByTestId('late').first()).toHaveText('⚠ not checked');
    // Not every card is late: a scheduled delivery whose window has not ended is on time.
    await expect(ana.page.locator('[data-testid="request-card"]:not([data-late])').first()).toBeVisible();
    await ana.page.screenshot({ path: path.join(outDir, `board-${size.width}x${size.height}.png`) });
    expect(ana.screen.errors).toEqual([]);
    await ana.context.close();
  });
}

test('the wall board in Spanish', async ({ browser, demoServer }) => {
  const ana = await open(browser, demoServer.url, 'ana', { width: 1920, height: 1080 }, 'es');
  await expect(ana.screen.connectionStatus).toHaveText('en vivo');
  await expect(ana.screen.column('logged').getByTestId('late').first()).toHaveText('⚠ sin comprobar');
  await expect(ana.screen.column('logged').getByTestId('late-count')).toHaveText(/^\d+ con retraso$/);
  await expect(ana.page.getByTestId('more').first()).toHaveText(/^\+\d+ más$/);
  await nothingCut(ana.page);
  await ana.page.screenshot({ path: path.join(outDir, 'board-es-1920x1080.png') });
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});

test('a request is found by its number, from the board, the address or the header', async ({ browser, demoServer }) => {
  const ana = await open(browser, demoServer.url, 'ana', { width: 1366, height: 900 });
  const card = ana.screen.requestCards.first();
  const number = await card.getAttribute('data-number');
  expect(number).toMatch(/^\d+$/);
  await expect(card.getByRole('link')).toHaveText(`#${number}`);

  // The header's box goes to it; so does the address a volunteer reads out.
  await ana.page.getByTestId('goto-number').fill(`#${number}`);
  await ana.page.getByTestId('goto-number').press('Enter');
  await expect(ana.page).toHaveURL(new RegExp(`#/request/${number}$`));
  await expect(ana.page.getByTestId('request-number')).toHaveText(`#${number}`);
  await expect(ana.page.getByTestId('next-step')).toBeVisible();
  await ana.page.screenshot({ path: path.join(outDir, 'request.png'), fullPage: true });

  await ana.page.goto(`${demoServer.url}/#/request/99999`);
  await expect(ana.page.getByTestId('request-missing')).toBeVisible();
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});

test('a double-clicked adjustment moves stock once, and the answer is beside the form', async ({ browser, demoServer }) => {
  const ben = await open(browser, demoServer.url, 'ben', { width: 1366, height: 900 });
  await ben.screen.navigate('Stock');
  const form = ben.page.getByTestId('adjust-form');
  const batch = form.getByLabel('Batch');
  const value = await batch.locator('option').nth(1).getAttribute('value');
  const [item, location] = value!.split('|');
  const row = ben.page.locator(`[data-testid="stock-row"][data-item-id="${item}"][data-location-id="${location}"]`);
  const before = Number(await row.getByTestId('on-hand').textContent());
  await batch.selectOption(value!);
  await form.getByLabel('Change').fill('-1');
  await form.getByLabel('Reason').selectOption('spoilage');
  await form.getByLabel('Note').fill('torn bag');
  await form.getByTestId('adjust-form-submit').dblclick();
  await expect(form.getByTestId('adjust-form-done')).toBeVisible();
  await expect(row.getByTestId('on-hand')).toHaveText(String(before - 1));
  // A moment later it is still one: the second click sent nothing.
  await ben.page.waitForTimeout(1000);
  await expect(row.getByTestId('on-hand')).toHaveText(String(before - 1));
  // The form is cleared for the next one.
  await expect(form.getByLabel('Change')).toHaveValue('');

  // The table filters as a volunteer types.
  const rows = ben.page.getByTestId('stock-row');
  const all = await rows.count();
  await ben.page.getByLabel('Search item or place').fill('rice');
  await expect.poll(() => rows.count()).toBeLessThan(all);
  for (const name of await rows.locator('th').allTextContents()) expect(name.toLowerCase()).toContain('rice');
  await ben.page.getByLabel('Search item or place').fill('');
  await ben.page.getByLabel('Show').selectOption('expired');
  await expect.poll(() => rows.count()).toBeLessThan(all);
  await ben.page.screenshot({ path: path.join(outDir, 'stock.png') });
  expect(ben.screen.errors).toEqual([]);
  await ben.context.close();
});

test('a driver lands on their deliveries on a phone, claims one and takes a completion back', async ({ browser, demoServer }) => {
  const nia = await open(browser, demoServer.url, 'nia', PHONE);
  await expect(nia.page).toHaveURL(/#\/driver$/);
  await expect(nia.page.getByTestId('driver-screen')).toBeVisible();
  const open_ = nia.page.getByTestId('open-delivery').first();
  await expect(open_.getByTestId('driver-items')).toContainText('×');
  const number = (await open_.getByRole('link').first().textContent())!.trim();
  await open_.getByTestId('claim').click();
  const mine = nia.page.getByTestId('my-delivery').filter({ has: nia.page.getByRole('link', { name: number, exact: true }) });
  await expect(mine).toHaveAttribute('data-status', 'assigned');
  await mine.getByTestId('start').click();
  await expect(mine).toHaveAttribute('data-status', 'out');
  await mine.getByTestId('complete').click();
  await expect(mine).toHaveAttribute('data-status', 'completed');
  // A slip of the thumb: the driver takes it back and it is out again.
  await mine.getByTestId('undo').click();
  await expect(mine).toHaveAttribute('data-status', 'out');
  await nia.page.screenshot({ path: path.join(outDir, 'driver-phone-undo.png'), fullPage: true });
  // Every control on the driver's view is a thumb's size, and a 320-pixel phone does not
  // scroll sideways.
  const small = await nia.page.getByTestId('driver-screen').locator('button, a, summary, select, input').evaluateAll((all) =>
    all.filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.width < 44 || r.height < 44); })
      .map((e) => e.outerHTML.slice(0, 80)));
  expect(small).toEqual([]);
  await nia.page.setViewportSize({ width: 320, height: 640 });
  expect(await nia.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await nia.page.screenshot({ path: path.join(outDir, 'driver-320.png'), fullPage: true });
  expect(nia.screen.errors).toEqual([]);
  await nia.context.close();
});

test('a coordinator adds a zone intake then offers, and changes when cards turn late', async ({ browser, demoServer }) => {
  const ana = await open(browser, demoServer.url, 'ana', { width: 1366, height: 900 });
  await ana.screen.navigate('Settings');
  const add = ana.page.getByTestId('add-zone');
  await add.getByLabel('Zone').fill('Riverside');
  await add.getByTestId('add-zone-submit').click();
  await expect(ana.page.locator('[data-testid="zone"][data-zone="Riverside"]')).toBeVisible();
  await expect(add.getByLabel('Zone')).toHaveValue('');

  await ana.screen.navigate('New request');
  await expect(ana.page.getByLabel('Zone').locator('option', { hasText: 'Riverside' })).toHaveCount(1);

  // Twenty days before an unchecked card is late: the logged column has no late cards.
  await ana.screen.navigate('Settings');
  const late = ana.page.getByTestId('late-form');
  await late.locator('#late-check-number').fill('20');
  await late.locator('#late-check-unit').selectOption('days');
  await late.getByTestId('late-form-submit').click();
  await expect(late.getByTestId('late-form-done')).toBeVisible();
  await ana.screen.navigate('Board');
  await expect(ana.screen.requestCards.first()).toBeVisible();
  await expect(ana.screen.column('logged').getByTestId('late-count')).toHaveCount(0);
  await expect(ana.screen.column('logged').getByTestId('late')).toHaveCount(0);

  // Back to 45 minutes, for the other tests.
  await ana.screen.navigate('Settings');
  await late.locator('#late-check-number').fill('45');
  await late.locator('#late-check-unit').selectOption('minutes');
  await late.getByTestId('late-form-submit').click();
  await expect(late.getByTestId('late-form-done')).toBeVisible();
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});

test('a refusal is said in Spanish beside the form that caused it', async ({ browser, demoServer }) => {
  const ana = await open(browser, demoServer.url, 'ana', { width: 1366, height: 900 }, 'es');
  await ana.page.goto(`${demoServer.url}/#/settings`);
  const add = ana.page.getByTestId('add-zone');
  await add.getByLabel('Zona').fill('North');
  await add.getByTestId('add-zone-submit').click();
  await expect(add.getByTestId('add-zone-error')).toHaveText('Ya existe la zona «North».');
  await ana.page.screenshot({ path: path.join(outDir, 'settings-es.png'), fullPage: true });
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});

test("the group's time zone moves the times shown from then on to its own clock", async ({ browser }) => {
  // A server of its own: the zone changes every screen, which the other tests must not see.
  const server = await Server.start(['--demo']);
  try {
    const ana = await open(browser, server.url, 'ana', { width: 1366, height: 900 });
    await ana.page.goto(`${server.url}/#/settings`);
    await expect(ana.page.getByTestId('time-zone-now')).toHaveText('Now: America/New_York');
    const form = ana.page.getByTestId('time-zone-form');
    await form.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await form.getByTestId('time-zone-form-submit').click();
    await expect(form.getByTestId('time-zone-form-error')).toContainText('America/New_York');
    // Manila is UTC+8 all year.
    await form.getByLabel('Time zone').fill('Asia/Manila');
    await form.getByTestId('time-zone-form-submit').click();
    await expect(ana.page.getByTestId('time-zone-now')).toHaveText('Now: Asia/Manila');
    await ana.page.screenshot({ path: path.join(outDir, 'settings-time-zone.png'), fullPage: true });

    // A request logged now shows its time on Manila's clock, eight hours ahead of UTC.
    const utcMinutes = () => { const d = new Date(); return d.getUTCHours() * 60 + d.getUTCMinutes(); };
    const before = utcMinutes();
    const token = await apiToken(server.url, 'ana', PASSWORD);
    await sendCommand(server.url, token, {
      command_id: 'tz-log-1',
      command: {
        type: 'LogRequest', request_id: 'r-tz-1', household_id: 'h-tz-1', need_category: 'food',
        lines: [{ item_id: 'rice', quantity: 1 }], household_size: 1, urgency: 'routine', zone: 'north',
        preferred_language: 'en', contact_channel: 'phone',
      },
    });
    await ana.page.goto(`${server.url}/#/request/r-tz-1`);
    const shown = (await ana.page.getByTestId('timeline-step').first().locator('time').textContent())!;
    const [h, m] = shown.split(':').map(Number);
    const ahead = ((h * 60 + m) - before + 24 * 60) % (24 * 60);
    expect([480, 481]).toContain(ahead);
    expect(ana.screen.errors).toEqual([]);
    await ana.context.close();
  } finally {
    await server.stop();
  }
});
