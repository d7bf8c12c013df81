import { expect, signedIn, test } from '../fixtures';

test('an expense over the threshold is recorded by one member, approved by another, then paid', async ({ browser, demoServer }) => {
  const hana = await signedIn(browser, demoServer.url, 'hana', 'Money');
  const ivan = await signedIn(browser, demoServer.url, 'ivan', 'Money');

  const form = hana.page.getByTestId('record-form');
  await form.getByLabel('What').selectOption('expense');
  await form.getByLabel('Amount').fill('150.00');
  await form.getByLabel('Description').fill('Tinned fish, wholesale (e2e)');
  await form.getByLabel('Paid from / into').selectOption({ label: 'Bank account' });
  await form.getByLabel('Category').selectOption({ label: 'Food purchases' });
  await form.getByLabel('Receipt reference').fill('R-77');
  await form.getByRole('button', { name: 'Record' }).click();

  const row = (page: typeof hana.page) =>
    page.getByTestId('transaction').filter({ hasText: 'Tinned fish, wholesale (e2e)' });
  await expect(row(hana.page)).toHaveAttribute('data-status', 'awaiting_payment');
  await expect(row(hana.page)).toContainText("Needs a second member's approval");
  // The one who recorded it is offered neither approval nor payment.
  await expect(row(hana.page).getByTestId('approve')).toHaveCount(0);
  await expect(row(hana.page).getByTestId('pay')).toHaveCount(0);

  // Ivan sees it arrive without reloading, and approves it.
  await ivan.page.getByLabel('Status').selectOption('awaiting_payment');
  await row(ivan.page).getByTestId('approve').click();
  // The approver by name, as every member is shown.
  await expect(row(ivan.page)).toContainText('Ivan Petrov');

  // Hana can now mark it paid; it moves into the month's food purchases.
  await row(hana.page).getByTestId('pay').click();
  await expect(row(hana.page)).toHaveAttribute('data-status', 'paid');
  await expect(hana.page.getByTestId('statement').getByTestId('expense-line').filter({ hasText: 'Food purchases' })).toBeVisible();

  for (const member of [hana, ivan]) {
    await expect(member.page.getByTestId('error')).toHaveCount(0);
    expect(member.screen.errors).toEqual([]);
    await member.context.close();
  }
});

test('everyone sees the monthly statement; only finance, coordinators and auditors the ledger', async ({ browser, demoServer }) => {
  const sam = await signedIn(browser, demoServer.url, 'sam', 'Money');
  await expect(sam.page.getByTestId('statement').getByTestId('closing')).toBeVisible();
  // The year so far per channel: today's payment-app donations are in it whatever the date.
  await expect(sam.page.getByTestId('channel-year').filter({ hasText: 'Payment app' })).toBeVisible();
  await expect(sam.page.getByTestId('ledger')).toHaveCount(0);
  await expect(sam.page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /format=csv/);
  await sam.context.close();

  const yara = await signedIn(browser, demoServer.url, 'yara', 'Money');
  await expect(yara.page.getByTestId('transaction').first()).toBeVisible();
  await expect(yara.page.getByTestId('record-form')).toHaveCount(0);
  await expect(yara.page.getByTestId('approve')).toHaveCount(0);
  await yara.context.close();
});
