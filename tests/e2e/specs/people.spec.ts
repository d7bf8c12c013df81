import { BoardPage, expect, test } from '../fixtures';
import { apiToken, sendCommand } from '../pages/board-page';

const PASSWORD = 'potluck-demo';

test('a volunteer signs up for a shift on a phone, checks in and out, and sees the hours', async ({ browser, demoServer }) => {
  const ben = await apiToken(demoServer.url, 'ben', PASSWORD);
  const now = Date.now();
  await sendCommand(demoServer.url, ben, {
    command_id: 'e2e-plan-sorting',
    command: { type: 'PlanShift', shift_id: 'e2e-sorting', task: 'Sorting donations',
      starts_at_ms: now + 30 * 60_000, ends_at_ms: now + 150 * 60_000, people_needed: 2 },
  });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const screen = new BoardPage(page, demoServer.url);
  await screen.open();
  await screen.signIn('wren', PASSWORD);
  await screen.navigate('People');

  const shift = page.locator('[data-testid="shift"][data-shift-id="e2e-sorting"]');
  await expect(shift).toContainText('0 of 2 people');
  await shift.getByTestId('sign-up').click();
  await expect(shift.getByTestId('shift-state')).toHaveText('You are signed up.');
  await expect(shift).toContainText('1 of 2 people: Wren Ellis');
  await shift.getByTestId('check-in').click();
  await expect(shift.getByTestId('shift-state')).toContainText('Checked in at');
  await shift.getByTestId('check-out').click();
  await expect(shift.getByTestId('shift-state')).toContainText('Worked 0 h');
  await expect(page.getByTestId('my-hours')).toContainText('shifts worked: 1');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(screen.errors).toEqual([]);
  await context.close();
});

test('the roster and the board show what needs attention', async ({ page, demoServer }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const screen = new BoardPage(page, demoServer.url);
  await screen.open();
  await screen.signIn('sam', PASSWORD);
  // On the board: a panel of the people signals.
  const panel = page.getByTestId('people-signals');
  await expect(panel.getByTestId('signal').first()).toBeVisible();
  await screen.navigate('People');
  const signals = page.getByTestId('signals');
  await expect(signals.locator('[data-kind="no_backup"]')).toContainText('Treasurer has no backup.');
  await expect(signals.locator('[data-kind="term_ended"]')).toContainText("Ben Adeyemi's term as Logistics lead ended");
  await expect(signals.locator('[data-kind="too_many_roles"]')).toContainText('Chen Wei holds 3 roles');
  await expect(signals.locator('[data-kind="too_many_hours"]')).toContainText('Sam Okafor worked');
  // Sam's own hours say so too.
  await expect(page.getByTestId('my-hours')).toContainText("more than the group's limit");
  await expect(page.getByTestId('role-card')).toHaveCount(7);
});
