import { describe, expect, it, vi } from 'vitest';
import { covarianceKernelWasm } from '../../src/portfolio/covariance-kernel-wasm.js';
import { WasmKernel } from '../../src/utils/wasm-kernel.js';

describe('WasmKernel', () => {
  it('keeps one memory up to 16 MiB and grows it; a larger problem gets a memory of its own', () => {
    const kernel = new WasmKernel<object>('test', covarianceKernelWasm);
    const small = kernel.instance(10);
    expect(small.buffer.byteLength).toBe(65_536);
    new Float64Array(small.buffer)[0] = 42;
    const grown = kernel.instance(200_000);
    expect(grown.exports).toBe(small.exports);
    expect(grown.buffer.byteLength).toBe(4 * 65_536);
    expect(new Float64Array(grown.buffer)[0]).toBe(42); // the same memory, grown
    const big = kernel.instance(17 * 1024 * 1024);
    expect(big.exports).not.toBe(small.exports);
    expect(big.buffer.byteLength).toBe(17 * 16 * 65_536);
    expect(kernel.instance(10).exports).toBe(small.exports);
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
