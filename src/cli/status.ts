import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ControlQueue, requestFileIn } from '../ops/console/operator-controls.js';
import type { Command } from 'commander';
import { formatReport, reportState } from '../agent/state-report.js';
import { FileStateStore } from '../state/state-store.js';
import { StateError } from '../utils/errors.js';
import type { CliContext } from './context.js';

/** `coce status`: the book from state.json. */
export function registerStatus(program: Command, ctx: CliContext): void {
  const { io, say } = ctx;
  program
    .command('status')
    .description('print NAV, positions, drawdown, kill-switch state and the last cycle from state.json')
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--json', 'print the report as JSON')
    .action((f: { stateDir: string; json?: boolean }) => {
      const store = new FileStateStore(resolve(io.cwd, f.stateDir));
      const state = store.load();
      if (state === null) throw new StateError(`no state in ${store.path}: nothing has run with this --state-dir yet`);
      // requests from the console or Telegram a cycle has not applied yet (a damaged file is named: exit 2)
      const requests = requestFileIn(store.dir);
      const requestsWaiting = existsSync(requests) ? new ControlQueue(requests).waiting(state.operatorApplied) : 0;
      const report = reportState(state, { requestsWaiting });
      say(f.json ? JSON.stringify(report, null, 2) : `${store.path}\n${formatReport(report)}`);
    });
}
