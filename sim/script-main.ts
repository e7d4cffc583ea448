import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The value after `--name` on a script's command line, if any. */
export function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/**
 * Runs `main` when `moduleUrl` is the file node was started with (not when imported): exits with its code, or with 1
 * and `name: message` when it throws.
 */
export function runAsScript(moduleUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  if (process.argv[1] === undefined || fileURLToPath(moduleUrl) !== resolve(process.argv[1])) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
