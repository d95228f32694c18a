/**
 * `npm run node-lines -- ...`: the project on other Node.js LTS lines (see scripts/common/nodeLines.ts).
 *
 *   install [22|24|26|all]         fetches the line(s) from the npm registry into .cache/node-lines/
 *   run <22|24|26> -- <command...>  builds the blas addon for that Node, then runs the command with
 *                                  that node first on PATH (e.g. `run 26 -- npm run test:backends`)
 *
 * Before the command, one line says which Node runs and which compute backends load on it (and
 * whether the wasm backend uses relaxed SIMD). Exits with the command's code.
 */
import { spawnSync } from 'node:child_process';
import { installNodeLine, NODE_LINES, prepareNodeLine } from './common/nodeLines';
import { bin, ROOT } from './common/run';

const USAGE =
  'usage: node-lines install [22|24|26|all] | node-lines run <22|24|26> -- <command...>';

/** The majors named by `arg` ('all' or one of NODE_LINES). */
function majors(arg: string | undefined): number[] {
  if (arg === undefined || arg === 'all') return [...NODE_LINES];
  const n = Number(arg);
  if (!(NODE_LINES as readonly number[]).includes(n)) {
    throw new Error(
      `node-lines: unknown Node line '${arg}' (expected ${NODE_LINES.join(', ')} or all)`,
    );
  }
  return [n];
}

/** Prints the Node version and the backends that load under `env` (run by that Node). */
function describe(env: NodeJS.ProcessEnv): void {
  const code = [
    "const k = require('./lib/backends');",
    'const names = k.availableBackends();',
    "k.setBackend(names.includes('wasm') ? 'wasm' : names[0]);",
    "const relaxed = names.includes('wasm') ? (/relaxed-SIMD/.test(k.backendInfo().detail) ? 'yes' : 'no') : 'no wasm';",
    "console.log('[node-lines] Node ' + process.version + ': backends ' + names.join(', ') + '; wasm relaxed SIMD: ' + relaxed);",
    "for (const [n, why] of Object.entries(k.backendInfo().unavailable)) console.log('[node-lines]   ' + n + ': ' + why);",
  ].join('\n');
  spawnSync(bin('tsx'), ['-e', code], { cwd: ROOT, stdio: 'inherit', env });
}

function main(argv: string[]): number {
  const [verb, ...rest] = argv;
  if (verb === 'install') {
    for (const major of majors(rest[0])) installNodeLine(major);
    return 0;
  }
  if (verb === 'run') {
    const dash = rest.indexOf('--');
    const command = dash >= 0 ? rest.slice(dash + 1) : rest.slice(1);
    if (rest[0] === undefined || command.length === 0) throw new Error(USAGE);
    const [major] = majors(rest[0]);
    const { env } = prepareNodeLine(major);
    const full = { ...process.env, ...env };
    describe(full);
    const r = spawnSync(command[0], command.slice(1), { cwd: ROOT, stdio: 'inherit', env: full });
    if (r.error) throw new Error(`node-lines: could not run ${command[0]}: ${r.error.message}`);
    return r.status ?? 1;
  }
  throw new Error(USAGE);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
