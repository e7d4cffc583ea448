import { describe, expect, it, vi } from 'vitest';
import { covarianceKernelWasm } from '../../src/portfolio/covariance-kernel-wasm.js';
import { WasmKernel } from '../../src/utils/wasm-kernel.js';

describe('WasmKernel', () => {
  it('keeps one 16 MiB memory for every problem that fits (never grown: no detached buffer); a larger one gets its own', () => {
    const kernel = new WasmKernel<object>('test', covarianceKernelWasm);
    const small = kernel.instance(10);
    expect(small.buffer.byteLength).toBe(16 * 1024 * 1024);
    const again = kernel.instance(16 * 1024 * 1024);
    expect(again.exports).toBe(small.exports);
    expect(again.buffer).toBe(small.buffer);
    const big = kernel.instance(16 * 1024 * 1024 + 1);
    expect(big.exports).not.toBe(small.exports);
    expect(big.buffer.byteLength).toBe(257 * 65_536);
    expect(kernel.instance(10).buffer).toBe(small.buffer);
    expect(small.buffer.byteLength).toBe(16 * 1024 * 1024); // still attached
  });

  it('refuses a problem a 32-bit address cannot reach', () => {
    expect(() => new WasmKernel('covariance', covarianceKernelWasm).instance(2 ** 31)).toThrow(
      'covariance: needs 2147483648 bytes of WebAssembly memory, more than the 2147418112 a 32-bit address reaches',
    );
  });

  it('says so when the runtime has no WebAssembly (node --jitless)', () => {
    vi.stubGlobal('WebAssembly', undefined);
    try {
      expect(() => new WasmKernel('covariance', covarianceKernelWasm).instance(10)).toThrow('covariance: this Node has no WebAssembly (started with --jitless?)');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
