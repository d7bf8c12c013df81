// Looking after the group: role cards handed over, the agreement reviewed, skills and
// commitments recorded, an absence recorded; and the books corrected by reversal, donated
// goods valued, grant money received. Each test has a demo server of its own, since it
// changes what the shared one's other tests count.
import { Server, expect, signedIn, test } from '../fixtures';
import { apiToken } from '../pages/board-page';

const PASSWORD = 'potluck-demo';

test('the coordinator hands a role over and reviews the agreement; members record skills, commitments and an absence', async ({ browser }) => {
  test.setTimeout(120_000);
  const server = await Server.start(['--demo']);
  try {
    const ana = await signedIn(browser, server.url, 'ana', 'People');
    const page = ana.page;
    const signals = page.getByTestId('signals');
    await expect(signals.locator('[data-kind="term_ended"]')).toHaveCount(1);

    // Rotation is a handover: the ended term's signal goes, the card counts one handover.
    const roles = page.getByTestId('role-card-form');
    await roles.locator('summary').click();
    await roles.getByLabel('What to do').selectOption('hand_over');
    await roles.getByLabel('Role', { exact: true }).selectOption({ label: 'Logistics lead' });
    await roles.getByLabel('Held by').selectOption({ label: 'Dara Byrne' });
    await roles.getByLabel('Backup').selectOption({ label: 'Ben Adeyemi' });
    await roles.getByLabel('Term ends').fill('2027-06-30');
    await roles.getByLabel('Note for the next holder, or the reason').fill('Supplier list is in the blue folder');
    await roles.getByLabel('Phone in this role (optional; private to the group)').fill('555-0300-7777');
    await roles.getByRole('button', { name: 'Save' }).click();
    const card = page.getByTestId('role-card').filter({ hasText: 'Logistics lead' });
    await expect(card).toContainText('Dara Byrne');
    await expect(card).toContainText('30 Jun 2027');
    await expect(signals.locator('[data-kind="term_ended"]')).toHaveCount(0);

    // The agreement's review is recorded with the next date.
    const agreement = page.getByTestId('agreement');
    await expect(agreement).toContainText('Version 1');
    await page.getByTestId('agreement-manage').locator('summary').click();
    const review = page.getByTestId('review-form');
    await review.getByLabel('Next review on').fill('2027-03-01');
    await review.getByLabel('What the review decided').fill('No changes; new members welcome');
    await review.getByRole('button', { name: 'Record the review' }).click();
    await expect(page.getByTestId('agreement-review')).toHaveText('Next review: 1 Mar 2027.');

    // Logistics records that a volunteer did not come (no blame words, no note), and
    // corrects another's times from the paper sheet.
    const ben = await signedIn(browser, server.url, 'ben', 'People');
    await ben.page.getByTestId('shift-admin').locator('summary').click();
    const correct = ben.page.getByTestId('correct-shift-form');
    await correct.getByLabel('Shifts').selectOption('shift-2-packing');
    await correct.getByLabel('Member').selectOption({ label: 'Vik Sharma — no times recorded' });
    await correct.getByTestId('record-absence').click();
    await expect(correct.getByLabel('Member').locator('option', { hasText: 'Vik Sharma' }))
      .toHaveText('Vik Sharma — did not come');

    await correct.getByLabel('Shifts').selectOption('shift-0-packing');
    await correct.getByLabel('Member').selectOption({ label: 'Tess Nguyen' });
    await correct.getByLabel('Arrived at').fill('09:00');
    await correct.getByLabel('Left at').fill('11:30');
    await correct.getByLabel('Why (for example: from the paper sheet)').fill('Left early; the sheet said 12:00');
    await correct.getByRole('button', { name: 'Correct the times' }).click();
    await expect.poll(async () => {
      const token = await apiToken(server.url, 'ben', PASSWORD);
      const response = await fetch(`${server.url}/api/roster`, { headers: { authorization: `Bearer ${token}` } });
      const roster = await response.json();
      const shift = roster.shifts.find((s: { shift_id: string }) => s.shift_id === 'shift-0-packing');
      const tess = shift.attendance.tess;
      return (tess.checked_out_at_ms - tess.checked_in_at_ms) / 60_000;
    }).toBe(150);

    // A member records a skill and a commitment of their own, and can reach the new
    // logistics lead (the role card on the fridge).
    const wren = await signedIn(browser, server.url, 'wren', 'People');
    const lead = wren.page.getByTestId('role-card').filter({ hasText: 'Logistics lead' });
    await lead.getByTestId('role-contact').click();
    await expect(lead.getByTestId('role-contact-shown')).toHaveText('555-0300-7777');
    const skills = wren.page.getByTestId('skills');
    await wren.page.getByTestId('skill-manage').locator('summary').click();
    const skillForm = wren.page.getByTestId('skill-form');
    await skillForm.getByLabel('Skill', { exact: true }).selectOption('language');
    await skillForm.getByLabel('Which (language, trade or name)').selectOption('pl');
    await skillForm.getByRole('button', { name: 'Record a skill' }).click();
    await expect(skills.getByTestId('skills-row').filter({ hasText: 'Wren Ellis' })).toContainText('Polish');

    const commitments = wren.page.getByTestId('commitments');
    await wren.page.getByTestId('commitment-manage').locator('summary').click();
    const make = wren.page.getByTestId('commitment-form');
    await make.getByLabel('Task').fill('Sorting the Thursday bread');
    await make.getByLabel('How often').selectOption('2');
    await make.getByLabel('Day').selectOption('thursday');
    await make.getByLabel('Minutes each time').fill('90');
    await make.getByRole('button', { name: 'Make a commitment' }).click();
    await expect(commitments.getByTestId('commitment').filter({ hasText: 'Sorting the Thursday bread' }))
      .toContainText('Every 2 weeks on Thursday');

    for (const member of [ana, ben, wren]) {
      await expect(member.page.getByTestId('error')).toHaveCount(0);
      expect(member.screen.errors).toEqual([]);
      await member.context.close();
    }
  } finally {
    await server.stop();
  }
});

test('finance reverses a transaction with a reason, values donated goods and records grant money', async ({ browser }) => {
  test.setTimeout(120_000);
  const server = await Server.start(['--demo']);
  try {
    const hana = await signedIn(browser, server.url, 'hana', 'Money');
    const page = hana.page;
    // The demo's box counted twice is already corrected.
    await expect(page.getByTestId('reversal').filter({ hasText: 'Counted twice' })).toContainText('Reverses t-2-cash-again');

    const fuel = page.locator('[data-testid="transaction"][data-transaction-id="t-0-fuel"]');
    await fuel.getByTestId('reverse').click();
    const reverse = page.getByTestId('reverse-form');
    await reverse.getByLabel('Why it is reversed').fill('Paid from the bank, not the box');
    await reverse.getByRole('button', { name: 'Reverse it' }).click();
    await expect(fuel.getByTestId('reversal')).toContainText('Reversed by');
    await expect(fuel.getByTestId('reverse')).toHaveCount(0);
    const reversal = page.getByTestId('transaction').filter({ hasText: 'Paid from the bank, not the box' });
    await expect(reversal).toHaveAttribute('data-status', 'posted');
    await expect(reversal.getByTestId('reverse')).toHaveCount(0);

    const goods = page.getByTestId('goods-section');
    await expect(goods.getByTestId('goods')).toHaveCount(4);
    await goods.locator('summary').click();
    const goodsForm = page.getByTestId('goods-form');
    await goodsForm.getByLabel('Description').fill('Winter coats');
    await goodsForm.getByLabel('Estimated value').fill('240');
    await goodsForm.getByRole('button', { name: 'Record donated goods' }).click();
    const coats = goods.getByTestId('goods').filter({ hasText: 'Winter coats' });
    await expect(coats).toContainText('240.00');
    // Valued too high: reversed with a reason (then recorded again at the right value).
    await coats.getByTestId('reverse-goods').click();
    const goodsReversal = page.getByTestId('reverse-goods-form');
    await goodsReversal.getByLabel('Why it is reversed').fill('Valued at new prices; they are used');
    await goodsReversal.getByRole('button', { name: 'Reverse it' }).click();
    await expect(coats).toContainText('Reversed: Valued at new prices; they are used');
    await expect(coats.getByTestId('reverse-goods')).toHaveCount(0);

    const grant = page.locator('[data-testid="grant"][data-grant-id="city-small-grants"]');
    await expect(grant).toContainText('Awarded 2000.00');
    await expect(grant.getByTestId('grant-received')).toHaveText('1000.00');
    await page.getByTestId('grants').locator('summary').click();
    const grantForm = page.getByTestId('grant-form');
    await grantForm.getByLabel('What to do').selectOption('receive');
    await grantForm.getByLabel('Funder').selectOption('city-small-grants');
    await grantForm.getByLabel('Amount').fill('1000');
    await grantForm.getByLabel('Paid from / into').selectOption({ label: 'Bank account' });
    await grantForm.getByRole('button', { name: 'Save' }).click();
    await expect(grant.getByTestId('grant-received')).toHaveText('2000.00');

    await expect(page.getByTestId('error')).toHaveCount(0);
    expect(hana.screen.errors).toEqual([]);
    await hana.context.close();
  } finally {
    await server.stop();
  }
});
