import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeFsError, PathError, UsageError } from '../utils/errors.js';
import { PumpModel, type PumpModelFile } from './pump-model.js';

/** A model file, or what is left of one (what `coce train` may replace at its --out). */
export const isModelText = (text: string): boolean => /^\{\s*"format":\s*"coce-pump-model\//.test(text);

/** A model file's text, as written. */
export const modelText = (model: PumpModelFile): string => JSON.stringify(model, null, 1) + '\n';

/** A model file's version (state.versions.model): the first 16 hex digits of the SHA-256 of its text. */
export const modelVersion = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Write the model file atomically (temp + rename): a crash never leaves half a model. */
export function writeModelFile(file: string, model: PumpModelFile): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, modelText(model));
    renameSync(`${file}.tmp`, file);
  } catch (err) {
    throw new PathError(`model file ${file} cannot be written (${describeFsError(err)})`, { file });
  }
}

export function readModelFile(file: string): PumpModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read model ${file} (${(err as Error).message}); train one with \`coce train\``);
  }
  try {
    return PumpModel.parse(raw, file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
