/**
 * Shared by the orchestration scripts: the repository root and running a command with its output
 * on our terminal.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Options of `run`. */
export interface RunOptions {
  /** Extra environment variables (added to this process's). */
  env?: NodeJS.ProcessEnv;
  /** Working folder. Default the repository root. */
  cwd?: string;
}

/**
 * Runs `command args...` with inherited stdio and waits for it; true when it exits with 0.
 * A command that cannot start (not installed) counts as failed, with one line on stderr.
 */
export function run(command: string, args: string[], options: RunOptions = {}): boolean {
  const r = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...options.env },
  });
  if (r.error) process.stderr.write(`could not run ${command}: ${r.error.message}\n`);
  return r.status === 0;
}

/** The path of a tool installed in node_modules/.bin. */
export function bin(name: string): string {
  return path.join(ROOT, 'node_modules', '.bin', name);
}
