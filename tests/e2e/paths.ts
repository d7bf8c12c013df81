import path from 'node:path';

/** The workspace root. */
export const root = path.resolve(__dirname, '../..');

/** Where screenshots, traces and results go: `target/e2e/` unless xtask says otherwise. */
export const outDir = process.env.POTLUCK_E2E_OUT ?? path.join(root, 'target/e2e');
