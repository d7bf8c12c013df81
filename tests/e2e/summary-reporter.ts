import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

// Ends the run with one plain `e2e: N passed, N failed` line that log readers can count.
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    // Only the last attempt of a retried test counts.
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') {
      return;
    }
    if (result.status === 'skipped') this.skipped += 1;
    else if (result.status === test.expectedStatus) this.passed += 1;
    else this.failed += 1;
  }

  onEnd(_result: FullResult): void {
    const skipped = this.skipped > 0 ? `, ${this.skipped} skipped` : '';
    console.log(`e2e: ${this.passed} passed, ${this.failed} failed${skipped}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
