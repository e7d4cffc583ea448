#!/usr/bin/env node
// The `coce` command: runs the compiled CLI (npm ci builds dist/ in its prepare step).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli-process.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('coce: dist/ is missing; run `npm ci` (or `npm run build`) first\n');
  process.exit(1);
}
await import(cli.href);
