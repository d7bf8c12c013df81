import { expect, signedIn, test } from '../fixtures';

/** A CSV file for the file input, made in memory. */
const csv = (text: string) => ({ name: 'pantry.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });

test('a coordinator checks a spreadsheet, fixes its bad row, imports it and sees the stock', async ({ browser, demoServer }) => {
  const ana = await signedIn(browser, demoServer.url, 'ana', 'Import');
  const screen = ana.page.getByTestId('import-screen');
  await screen.getByLabel('What the file holds').selectOption('items');
  // The current items and stock, in the layout this import reads, as a starting sheet.
  const template = await screen.getByTestId('import-items-template').getAttribute('href');
  const sheet = await ana.page.request.get(`${demoServer.url}${template}`);
  expect(await sheet.text()).toMatch(/^item id,item,category,unit,low stock,location id,location,quantity,expires/);
  const header = 'item,category,unit,location,quantity,expires\n';

  // The check names the bad row and column, and nothing can be imported yet.
  await screen.getByLabel('CSV file').setInputFiles(csv(`${header}E2E Lentils,food,kg,Hall,twelve,2027-05-01\n`));
  await screen.getByTestId('import-check').click();
  await expect(screen.getByTestId('import-error')).toContainText('Row 2, quantity:');
  await expect(screen.getByTestId('import-commit')).toBeDisabled();

  // The fixed file, chosen again, is checked again on its own.
  await screen.getByLabel('CSV file').setInputFiles(csv(`${header}E2E Lentils,food,kg,Hall,12,2027-05-01\n`));
  await expect(screen.getByTestId('import-summary')).toContainText('Rows read: 1');
  await expect(screen.getByTestId('import-error')).toHaveCount(0);
  await expect(screen.getByTestId('import-actions')).not.toBeEmpty();
  await screen.getByTestId('import-commit').click();
  await expect(screen.getByTestId('import-done')).toContainText('Imported');
  await expect(screen.getByTestId('import-commit')).toBeDisabled();

  await ana.screen.navigate('Stock');
  await expect(ana.page.getByTestId('stock-row').filter({ hasText: 'E2E Lentils' }).getByTestId('on-hand')).toHaveText('12');
  // The stock movements download beside it, the import's among them.
  const movements = ana.page.getByRole('link', { name: 'Stock movements (CSV)' });
  const download = await ana.page.request.get(`${demoServer.url}${await movements.getAttribute('href')}`);
  expect(download.status()).toBe(200);
  expect(ana.screen.errors).toEqual([]);
  await ana.context.close();
});
