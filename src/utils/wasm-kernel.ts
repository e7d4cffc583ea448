/**
 * A hand-written WebAssembly kernel (the numeric hot paths: covariance, the logistic Newton sums) and the linear
 * memory it works in. The module is compiled on first use. One memory of `KEEP_BYTES` is made on first use and
 * reused by every problem that fits in it, because a fresh memory costs a page fault for every 4 KiB first touched
 * (1 ms of the 12 of a 500-asset covariance, measured; the operating system still maps only the pages touched). It is
 * never grown: growing detaches the memory's ArrayBuffer, and the first detach in a process makes V8 drop the
 * optimised code of every function that reads a typed array (the next calls ran up to 4 times slower, measured). A
 * larger problem gets a memory of its own that is dropped with it, so a one-off 60 MB fit does not stay resident.
 * Callers write every byte they later read, so reuse never leaks one call's numbers into another's results.
 * WebAssembly SIMD is part of Node 20 (V8 11), no flag needed.
 */

/** The part of the WebAssembly JS API used here (the project's TypeScript libs have no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const PAGE_BYTES = 65_536;
/** The memory kept between calls (virtual until touched). */
const KEEP_BYTES = 16 * 1024 * 1024;
/** Byte addresses are 32-bit; stay below 2 GiB so they are also non-negative as JS int32. */
const MAX_BYTES = 2 ** 31 - PAGE_BYTES;

/** One bound instance: its exported functions and its memory's current buffer (take views after `instance()`). */
export interface KernelInstance<E> {
  readonly exports: E;
  readonly buffer: ArrayBuffer;
}

export class WasmKernel<E> {
  private module: object | undefined;
  private kept: { exports: E; memory: WasmMemory } | undefined;

  /** `wasmBase64`: the module's bytes, generated from its .wat source (see sim/wasm-kernels.ts). */
  constructor(
    private readonly name: string,
    private readonly wasmBase64: string,
  ) {}

  /** An instance whose memory holds at least `bytes` bytes (contents unspecified: write before reading). */
  instance(bytes: number): KernelInstance<E> {
    if (!(bytes <= MAX_BYTES)) throw new RangeError(`${this.name}: needs ${bytes} bytes of WebAssembly memory, more than the ${MAX_BYTES} a 32-bit address reaches`);
    if (bytes > KEEP_BYTES) {
      const own = this.instantiate(Math.ceil(bytes / PAGE_BYTES));
      return { exports: own.exports, buffer: own.memory.buffer };
    }
    this.kept ??= this.instantiate(KEEP_BYTES / PAGE_BYTES);
    return { exports: this.kept.exports, buffer: this.kept.memory.buffer };
  }

  private instantiate(pages: number): { exports: E; memory: WasmMemory } {
    const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasmApi === undefined) throw new Error(`${this.name}: this Node has no WebAssembly (started with --jitless?)`);
    this.module ??= new wasmApi.Module(Buffer.from(this.wasmBase64, 'base64'));
    const memory = new wasmApi.Memory({ initial: pages });
    const instance = new wasmApi.Instance(this.module, { env: { memory } });
    return { exports: instance.exports as E, memory };
  }
}
