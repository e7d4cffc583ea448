/**
 * A hand-written WebAssembly kernel (the numeric hot paths: covariance, the logistic Newton sums) and the linear
 * memory it works in. The module is compiled on first use. Memory up to `KEEP_BYTES` is kept and reused between
 * calls, because a fresh memory costs a page fault for every 4 KiB first touched (1 ms of the 12 of a 500-asset
 * covariance, measured); a larger problem gets a memory of its own that is dropped with it, so a one-off 60 MB fit
 * does not stay resident. Callers write every byte they later read, so reuse never leaks one call's numbers into
 * another's results. WebAssembly SIMD is part of Node 20 (V8 11), no flag needed.
 */

/** The part of the WebAssembly JS API used here (the project's TypeScript libs have no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const PAGE_BYTES = 65_536;
/** The largest memory kept between calls. */
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
    const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
    if (bytes > KEEP_BYTES) {
      const own = this.instantiate(pages);
      return { exports: own.exports, buffer: own.memory.buffer };
    }
    this.kept ??= this.instantiate(pages);
    const have = this.kept.memory.buffer.byteLength / PAGE_BYTES;
    if (have < pages) this.kept.memory.grow(pages - have);
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
