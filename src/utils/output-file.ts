import { writeFileSync } from 'node:fs';
import { describeFsError, PathError } from './errors.js';

/** Write a file the operator named (a report, a JSON export); a path that cannot be written is a PathError naming it. */
export function writeOutputFile(file: string, text: string, what: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new PathError(`${what} ${file} cannot be written (${describeFsError(err)})`, { file });
  }
}
