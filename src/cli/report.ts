import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isReviewHtml, loadReview, reviewFigures, reviewHtml, reviewText } from '../ops/review-report.js';
import { FileStateStore } from '../state/state-store.js';
import { StateError, UsageError } from '../utils/errors.js';
import { writeOutputFile } from '../utils/output-file.js';
import type { CliContext } from './context.js';

/** `coce report`: the weekly review as one HTML file, and its summary on the terminal. */
export function registerReport(program: Command, ctx: CliContext): void {
  const { io, scrubber, say } = ctx;
  program
    .command('report')
    .description('the weekly review: one self-contained HTML file from logs/*.jsonl and state.json, and a summary here')
    .option('--since <span>', 'window counted back from the last logged event: 7d, 36h or all', '7d')
    .option('--out <file>', 'HTML file to write (default: <log-dir>/review.html)')
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--log-dir <dir>', 'where the JSONL logs are', 'logs')
    .action((f: { since: string; out?: string; stateDir: string; logDir: string }) => {
      const store = new FileStateStore(resolve(io.cwd, f.stateDir));
      const state = store.load();
      if (state === null) throw new StateError(`no state in ${store.path}: nothing to review`);
      let data;
      try {
        data = loadReview(resolve(io.cwd, f.logDir), state, f.since, store.path);
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(err.message);
        throw err;
      }
      const figures = reviewFigures(data);
      const out = resolve(io.cwd, f.out ?? join(f.logDir, 'review.html'));
      writeOutputFile(out, scrubber.scrub(reviewHtml(data, figures)), 'report', isReviewHtml);
      say(reviewText(data, figures));
      say(`report          ${out}`);
    });
}
