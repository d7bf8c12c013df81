import { type Locator, type Page, expect } from '@playwright/test';

/** The page that shows the log head and the connection's state. */
export class HeadPage {
  readonly headPosition: Locator;
  readonly connectionStatus: Locator;
  /** Uncaught errors on the page, a WebAssembly panic among them. */
  readonly errors: Error[] = [];

  constructor(readonly page: Page, private readonly baseUrl: string) {
    this.headPosition = page.getByTestId('head-position');
    this.connectionStatus = page.getByTestId('connection-status');
    page.on('pageerror', (error) => this.errors.push(error));
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/`);
  }

  /** Waits until a number is shown and returns it. */
  async shownPosition(): Promise<number> {
    await expect(this.headPosition).toHaveText(/^\d+$/);
    return Number(await this.headPosition.textContent());
  }
}
