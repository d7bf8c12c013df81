import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { outDir } from '../paths';
import { expect, test } from '../fixtures';

const RUNS = 15;

function summary(label: string, ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { label, runs: ms.length, median_ms: at(0.5), p90_ms: at(0.9), max_ms: sorted[sorted.length - 1] };
}

/**
 * From opening the board URL (signed in) to the board showing live data: the request cards
 * of the demo month drawn and the connection indicator saying "live". Cold: a new browser
 * context each time, so the bundle comes over the wire and compiles again. Warm: the same
 * context, reloaded, as a board left open all day and refreshed.
 */
test('time from opening the board to live data', async ({ browser, demoServer }) => {
  const url = `${demoServer.url}/#/board`;
  const cold: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const signIn = await context.request.post(`${demoServer.url}/api/session`, {
      data: { member_id: 'ben', password: 'potluck-demo' },
    });
    expect(signIn.ok()).toBe(true);
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url);
    await expect(page.getByTestId('request-card').first()).toBeVisible();
    await expect(page.getByTestId('shell').getByTestId('connection-status')).toHaveText('live');
    cold.push(performance.now() - started);
    await context.close();
  }

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await context.request.post(`${demoServer.url}/api/session`, {
    data: { member_id: 'ben', password: 'potluck-demo' },
  });
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByTestId('request-card').first()).toBeVisible();
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await page.reload();
    await expect(page.getByTestId('request-card').first()).toBeVisible();
    await expect(page.getByTestId('shell').getByTestId('connection-status')).toHaveText('live');
    warm.push(performance.now() - started);
  }
  await context.close();

  const results = [summary('cold (new context)', cold), summary('warm (reload)', warm)];
  console.table(results);
  writeFileSync(path.join(outDir, 'time-to-board.json'), JSON.stringify(results, null, 2));
});
