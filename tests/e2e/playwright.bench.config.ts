import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** Browser benchmarks: `npx playwright test -c playwright.bench.config.ts`. Not in CI. */
export default defineConfig({
  ...base,
  testDir: './bench',
  timeout: 300_000,
});
