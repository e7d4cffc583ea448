import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled JavaScript file `file` beside the module at `moduleUrl`, for a worker thread to run: a worker cannot
 * load TypeScript, so from the sources (the tests) it is the one under dist/ that `npm test` builds first. Null when
 * there is none (callers then do the work on their own thread).
 */
export function compiledModule(moduleUrl: string, file: string): string | null {
  const here = fileURLToPath(moduleUrl);
  const dir = here.slice(0, Math.max(here.lastIndexOf('/'), here.lastIndexOf('\\')) + 1);
  const js = here.endsWith('.ts') ? `${dir.replace(/([\\/])src([\\/])/, '$1dist$2src$2')}${file}` : `${dir}${file}`;
  return existsSync(js) ? js : null;
}
