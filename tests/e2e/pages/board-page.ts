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
    // The signed-in shell: header, messages and the screen the address names.
    this.board = page.getByTestId('shell');
    // The shell's own: the sign-in screen shows the public head feed's under the same ids.
    this.connectionStatus = this.board.getByTestId('connection-status');
    this.position = this.board.getByTestId('head-position');
    this.requestCards = page.getByTestId('request-card');
    page.on('pageerror', (error) => {
      // The stack names the Rust functions when the module keeps its names (a debug copy).
      console.log('page error:', error.stack);
      this.errors.push(error);
    });
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

  /** Goes to a screen by its link in the header, as a person would. */
  async navigate(name: string): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name }).click();
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

/** `GET` with a bearer token; the body as text. */
export async function getText(baseUrl: string, token: string, route: string): Promise<string> {
  const response = await fetch(`${baseUrl}${route}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    throw new Error(`GET ${route}: ${response.status} ${await response.text()}`);
  }
  return response.text();
}
