import path from 'node:path';
import { outDir } from '../paths';
import { expect, signedIn, test } from '../fixtures';
import { apiToken, sendCommand } from '../pages/board-page';

/** The date (YYYY-MM-DD) of an instant in New York, the demo group's zone. */
function nyDate(ms: number): string {
  return new Date(ms).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
}

test('the monthly retrospective draws its charts from the events and prints with the statement', async ({ browser, demoServer }) => {
  const ana = await signedIn(browser, demoServer.url, 'ana', 'Report');
  const report = ana.page.getByTestId('report-screen');
  // The demo month ends today, so the month shown first is the demo's.
  await expect(report.getByTestId('report.requests_logged')).not.toHaveText('0');
  const served = Number(await report.getByTestId('report.households_served').textContent());
  expect(served).toBeGreaterThan(10);
  // Bars for the needs and the stages, drawn as SVG.
  for (const chart of ['chart-needs', 'chart-stages']) {
    await expect(report.getByTestId(chart).locator('svg rect')).not.toHaveCount(0);
  }
  // Stages in the order a request moves through them, on a scale that starts at 0.
  const order = ['Logged', 'Awaiting stock', 'Checked', 'Reserved', 'Scheduled', 'Confirmed', 'Out for delivery', 'Failed', 'Delivered', 'Cancelled'];
  const stages = await report.getByTestId('chart-stages').locator('.bar-label').allTextContents();
  expect(stages.length).toBeGreaterThan(2);
  expect(stages).toEqual(order.filter((stage) => stages.includes(stage)));
  await expect(report.getByTestId('chart-stages').getByTestId('scale')).toContainText('0');
  // The longest waits link to their requests by number, and count to now: the demo's first
  // request was logged 21 days ago, so none has waited longer.
  await expect(report.getByTestId('longest-waits').getByRole('link').first()).toHaveAttribute('href', /#\/request\/\d+$/);
  await expect(report.getByTestId('longest-waits').getByRole('link').first()).toHaveText(/^#\d+$/);
  const waits = await report.getByTestId('wait').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-waited-ms'))));
  expect(waits.length).toBeGreaterThan(0);
  for (const waited of waits) expect(waited).toBeLessThanOrEqual(22 * 86_400_000);
  await ana.page.screenshot({ path: path.join(outDir, 'report.png'), fullPage: true });
  await expect(report.getByTestId('statement').getByTestId('closing')).toBeVisible();
  await expect(report.getByRole('link', { name: 'Download CSV' }).first()).toHaveAttribute('href', /\/api\/reports\/\d+\/\d+\?format=csv/);
  // Hours per person and per task: the demo's first distribution day, three weeks ago, had
  // its sheet typed in (today's shifts are still under way, so early in a month the current
  // month has no hours yet).
  // The demo group lives in New York: its months and days are New York's.
  const firstDay = nyDate(Date.now() - 21 * 86_400_000).slice(0, 7);
  await report.getByLabel('Month').first().fill(firstDay);
  for (const chart of ['chart-hours', 'chart-tasks']) {
    await expect(report.getByTestId(chart).locator('svg rect')).not.toHaveCount(0);
  }
  // A month with nothing in it still reads as a report, with empty charts.
  await report.getByLabel('Month').first().fill('2020-01');
  await expect(report.getByTestId('report.requests_logged')).toHaveText('0');
  await expect(report.getByTestId('chart-needs').locator('svg')).toHaveCount(0);
  await expect(report.getByTestId('chart-needs')).toContainText('None this month.');
  await expect(report.getByTestId('longest-waits')).toHaveText('None this month.');
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});

test('the replay shows the board as it was, steps event by event, and the live board keeps going', async ({ browser, demoServer }) => {
  const ana = await signedIn(browser, demoServer.url, 'ana', 'Replay');
  const page = ana.page;
  // The first distribution day of the demo, from the log.
  const first = await page.request.get(`${demoServer.url}/api/events?type=RequestLogged&limit=1`);
  const logged = JSON.parse((await first.text()).split('\n')[0]);
  // The day as the page writes it in English: "16 Nov 2026".
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const day = nyDate(logged.recorded_at_ms);
  const [year, month, date] = day.split('-').map(Number);
  const dayWords = `${date} ${months[month - 1]} ${year}`;

  const replay = page.getByTestId('replay-screen');
  await replay.getByLabel('Day').fill(day);
  // Just after the first request was logged: it is on the board, logged.
  const slider = replay.getByTestId('replay-slider');
  await slider.fill(String(logged.recorded_at_ms + 1_000));
  await expect(replay.getByTestId('replay-time')).toContainText(dayWords);
  const card = replay.locator(`[data-request-id="${logged.payload.request_id}"]`);
  await expect(card).toBeVisible();
  const position = async () => Number((await replay.getByTestId('replay-position').textContent())!.replace(/\D/g, ''));
  // The board as of that moment: the demo's next event is minutes later, so it is the
  // request's own position (wait for it: the day's end is drawn first, then the moment).
  await expect.poll(position).toBe(logged.position);
  const before = await position();

  // One step: the next event, with who did it.
  await replay.getByTestId('replay-step').click();
  await expect(replay.getByTestId('replay-steps').locator('li')).toHaveCount(1);
  await expect.poll(position).toBeGreaterThan(before);
  const stepped = await position();

  // Live news arrives in the header; the replay stays where it is.
  const live = Number(await ana.screen.position.textContent());
  const ben = await apiToken(demoServer.url, 'ben', 'potluck-demo');
  await sendCommand(demoServer.url, ben, {
    command_id: 'e2e-replay-shelf',
    command: { type: 'RegisterLocation', location_id: 'e2e-shelf', name: 'E2E shelf', kind: 'pantry' },
  });
  await expect(ana.screen.position).not.toHaveText(String(live));
  expect(await position()).toBe(stepped);

  // Played at ×600 the board moves on by itself (ten minutes a second).
  await replay.getByTestId('replay-x600').click();
  await expect.poll(position, { timeout: 15_000 }).toBeGreaterThan(stepped + 3);
  await replay.getByTestId('replay-x600').click();
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});

test('an auditor traces an item, a command and a member through the log; others have no audit view', async ({ browser, demoServer }) => {
  const yara = await signedIn(browser, demoServer.url, 'yara', 'Audit');
  const audit = yara.page.getByTestId('audit-screen');
  const rows = audit.getByTestId('audit-row');
  await expect(rows).toHaveCount(100);
  // Stock received only.
  await audit.getByLabel('Event').fill('StockReceived');
  await audit.getByLabel('Event').press('Tab');
  await expect(rows.first()).toContainText('StockReceived');
  const types = await rows.locator('td:nth-child(4)').allTextContents();
  expect(new Set(types)).toEqual(new Set(['StockReceived']));
  // The command behind the first: only its events.
  const command = (await rows.first().getByTestId('audit-command').textContent())!;
  await rows.first().getByTestId('audit-command').click();
  await expect(audit.getByLabel('Command')).toHaveValue(command);
  const commands = await rows.getByTestId('audit-command').allTextContents();
  expect(new Set(commands)).toEqual(new Set([command]));
  // An item's trail, from a link: every event that names it.
  await yara.page.goto(`${demoServer.url}/#/audit/rice`);
  await expect(audit.getByLabel('Mentions (item, account, request)')).toHaveValue('rice');
  await expect(rows.first()).toBeVisible();
  const payloads = await rows.locator('td:nth-child(7)').allTextContents();
  expect(payloads.every((p) => p.includes('"rice"') || p.endsWith('…'))).toBe(true);
  // From a ledger posting to the events and commands behind it.
  await yara.screen.navigate('Money');
  const transaction = yara.page.getByTestId('transaction').first();
  const id = (await transaction.getAttribute('data-transaction-id'))!;
  await transaction.getByTestId('trace').click();
  await expect(audit.getByLabel('Mentions (item, account, request)')).toHaveValue(id);
  await expect(rows.filter({ hasText: 'TransactionRecorded' }).first()).toBeVisible();
  expect(yara.screen.errors).toEqual([]);
  await yara.context.close();

  const sam = await signedIn(browser, demoServer.url, 'sam', 'Board');
  await expect(sam.page.getByRole('navigation').getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await sam.context.close();
});
