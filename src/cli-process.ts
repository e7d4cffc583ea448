import { main } from './cli.js';

/**
 * The real process around `main`: SIGINT/SIGTERM ask the engine to finish its cycle, save and exit 0; a second
 * signal, or a cycle that outlives schedule.shutdown_timeout_ms, exits at once with 1 (state.json stays the last
 * completed cycle's).
 */
const stop = new AbortController();
const onSignal = (sig: NodeJS.Signals) => {
  if (stop.signal.aborted) {
    process.stderr.write(`coce: second ${sig}, exiting now\n`);
    process.exit(1);
  }
  stop.abort();
};
process.on('SIGINT', onSignal);
// `coce run | head` closes stdout early: stop writing to it, but let the run finish and save.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});
process.on('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
  forceExit: () => {
    process.stderr.write('coce: the running cycle did not finish in time; exiting\n');
    process.exit(1);
  },
});
process.exitCode = code;
