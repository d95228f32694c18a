/**
 * The kernel's command-line arguments as tslab reads them (`kernel --config-path <file> [--js]`),
 * with the connection file made absolute: Jupyter may pass it relative to the folder it started
 * the kernel in, and the launcher changes to the repository root before tslab reads it.
 */
import * as path from 'node:path';

/**
 * `args` with the value of --config-path resolved against `cwd`.
 * @param args the arguments after the script (process.argv.slice(2))
 * @param cwd the folder Jupyter started the kernel in
 */
export function kernelArgs(args: readonly string[], cwd: string = process.cwd()): string[] {
  const out = [...args];
  const i = out.indexOf('--config-path');
  if (i >= 0 && out[i + 1]) out[i + 1] = path.resolve(cwd, out[i + 1]);
  return out;
}
