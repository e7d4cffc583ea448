import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resumeTrading } from '../agent/resume.js';
import { MIN_REASON_CHARS } from '../ops/console/operator-controls.js';
import { FanOutNotifier, SlackNotifier } from '../ops/slack-notifier.js';
import { createLogger } from '../utils/logger.js';
import { LogNotifier } from '../utils/notifier.js';
import type { CliContext } from './context.js';

/** `coce resume`: lift a kill-switch halt, with a logged reason. */
export function registerResume(program: Command, ctx: CliContext): void {
  const { io, env, scrubber, say } = ctx;
  program
    .command('resume')
    .description('lift a kill-switch halt (the daemon must be stopped); the reason is logged')
    .requiredOption('--reason <text>', `why trading may start again (at least ${MIN_REASON_CHARS} characters; logged)`)
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--log-dir <dir>', 'where the JSONL logs go', 'logs')
    .action(async (f: { reason: string; stateDir: string; logDir: string }) => {
      // the notification goes to stderr as a log line: stdout keeps the one-line answer
      const level = env instanceof Error ? 'info' : env.logLevel;
      const opsLog = createLogger({ level, pretty: false, scrubber, out: io.stderr });
      const slackUrl = env instanceof Error ? undefined : env.secrets.SLACK_WEBHOOK_URL;
      const slack = slackUrl === undefined ? null : new SlackNotifier({ webhookUrl: slackUrl, minIntervalMs: 0, log: opsLog.child({ component: 'slack' }) });
      const notifier = new FanOutNotifier([new LogNotifier(opsLog.child({ component: 'notifier' })), ...(slack ? [slack] : [])]);
      const r = resumeTrading({ stateDir: resolve(io.cwd, f.stateDir), logDir: resolve(io.cwd, f.logDir), reason: f.reason, nowMs: Date.now(), notifier });
      await slack?.flush();
      say(`trading resumed after cycle ${r.cycle} (halted since cycle ${r.haltedSinceCycle}: ${r.previousReason ?? 'no reason recorded'})`);
    });
}
