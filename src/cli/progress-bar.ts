import type { Writable } from 'node:stream';

export interface ProgressBar {
  update(done: number, total: number | null): void;
  stop(): void;
}

/**
 * A progress bar on a terminal (cli-progress, loaded only then). `unit` names what is counted ("bars", "files");
 * `every` thins the redraws of long counts.
 */
export async function progressBar(out: { write(s: string): unknown }, label: string, unit: string, every = 1): Promise<ProgressBar> {
  const { SingleBar } = (await import('cli-progress')).default;
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | eta {eta}s`, stream: out as unknown as Writable, hideCursor: true });
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total ?? done, 0);
      started = true;
      if (done % every === 0 || done === total) bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
