// lz4js 0.2 ships no type declarations: the one function COCE uses (apache-arrow's LZ4_FRAME codec).
declare module 'lz4js' {
  export function decompress(input: Uint8Array, maxSize?: number): number[] | Uint8Array;
}
