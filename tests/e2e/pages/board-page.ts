import { type Locator, type Page, expect } from '@playwright/test';

/** The sign-in screen and the live board behind it. */
export class BoardPage {
  readonly memberId: Locator;
  readonly password: Locator;
  readonly signInError: Locator;
  readonly board: Locator;
  readonly connectionStatus: Locator;
  readonly position: Locator;
  readonly requestCards: Locator;
  /** Uncaught errors on the page, a WebAssembly panic among them. */
  readonly errors: Error[] = [];

  constructor(readonly page: Page, private readonly baseUrl: string) {
    this.memberId = page.getByLabel('Member id');
    this.password = page.getByLabel('Password');
    this.signInError = page.getByTestId('sign-in-error');
    this.board = page.getByTestId('board');
    // The board's own: the sign-in screen shows the public head feed's under the same ids.
    this.connectionStatus = this.board.getByTestId('connection-status');
    this.position = this.board.getByTestId('head-position');
    this.requestCards = page.getByTestId('request-card');
    page.on('pageerror', (error) => this.errors.push(error));
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/`);
  }

  /** Fills the form with the keyboard and submits it with Enter. */
  async signIn(memberId: string, password: string): Promise<void> {
    await this.memberId.fill(memberId);
    await this.memberId.press('Tab');
    await expect(this.password).toBeFocused();
    await this.password.fill(password);
    await this.password.press('Enter');
  }

  column(key: string): Locator {
    return this.page.getByTestId(`column-${key}`);
  }

  card(requestId: string): Locator {
    return this.page.locator(`[data-testid="request-card"][data-request-id="${requestId}"]`);
  }
}

/** Signs in over HTTP and returns the bearer token. */
export async function apiToken(baseUrl: string, memberId: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ member_id: memberId, password }),
  });
  if (!response.ok) {
    throw new Error(`POST /api/session: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { token: string }).token;
}

/** Sends one command through `POST /api/commands`. */
export async function sendCommand(baseUrl: string, token: string, body: unknown): Promise<void> {
  const response = await fetch(`${baseUrl}/api/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`POST /api/commands: ${response.status} ${await response.text()}`);
  }
}
