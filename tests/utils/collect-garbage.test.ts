import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/utils/collect-garbage.js';
import { REPO } from '../helpers.js';

const MODULE = pathToFileURL(join(REPO, 'dist', 'src', 'utils', 'collect-garbage.js')).href;
/** A script in a node started without --expose-gc (as a user starts coce); prints what it measured. */
const run = (body: string) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { collectGarbage, enableGc } from ${JSON.stringify(MODULE)};\nimport { Worker } from 'node:worker_threads';\n${body}`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
};
const JUNK = `let junk = Array.from({ length: 200 }, () => Array.from({ length: 32_000 }, (_, i) => i + 0.5)); const before = process.memoryUsage().heapUsed; junk = null;`;

describe('collectGarbage', () => {
  it('in this process (vitest starts it with --expose-gc): 50 MB of dead arrays are gone after it', () => {
    let junk: number[][] | null = Array.from({ length: 200 }, () => Array.from({ length: 32_000 }, (_, i) => i + 0.5));
    const withJunk = process.memoryUsage().heapUsed;
    expect(junk.length).toBe(200);
    junk = null;
    collectGarbage();
    collectGarbage(); // the second call reuses the function found by the first
    expect(withJunk - process.memoryUsage().heapUsed).toBeGreaterThan(40 * 2 ** 20);
  });

  it('without --expose-gc: the main thread collects; a thread started after enableGc collects on its own heap; one started before does nothing and sets no flag', () => {
    expect(Number(run(`${JUNK} collectGarbage(); console.log(before - process.memoryUsage().heapUsed > 40 * 2 ** 20 ? 1 : 0);`))).toBe(1);
    const inThread = (enable: boolean) =>
      run(`${enable ? 'enableGc();' : ''}
const w = new Worker(\`import { collectGarbage } from ${JSON.stringify(MODULE)};
import { parentPort } from 'node:worker_threads';
${JUNK} collectGarbage(); parentPort.postMessage((before - process.memoryUsage().heapUsed > 40 * 2 ** 20 ? 'freed' : 'kept') + ' ' + typeof globalThis.gc);\`, { eval: true });
w.on('message', (m) => { console.log(m); w.terminate(); });`);
    expect(inThread(true)).toBe('freed function');
    // (whether a collection happened anyway is up to V8: only that none was forced, and no flag was set, is certain)
    expect(inThread(false)).toMatch(/^(freed|kept) undefined$/);
  });
});
