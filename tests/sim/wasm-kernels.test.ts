import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedModule, WASM_KERNELS } from '../../sim/wasm-kernels.js';
import { REPO } from '../helpers.js';

describe('hand-written WebAssembly kernels', () => {
  it('each checked-in generated module is its .wat assembled again by wabt (run npm run wasm after editing a .wat)', async () => {
    expect(WASM_KERNELS.length).toBeGreaterThan(0);
    for (const kernel of WASM_KERNELS) {
      expect(readFileSync(join(REPO, kernel.ts), 'utf8'), kernel.ts).toBe(await generatedModule(kernel, REPO));
    }
  });
});
