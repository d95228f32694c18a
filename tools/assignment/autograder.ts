/**
 * npm run autograder -- --out autograder.zip [--assignment 1|2]: writes a Gradescope autograder
 * bundle for one assignment (default 1; a Gradescope assignment gets one bundle each) (teachers).
 *
 * The zip holds, at its root, Gradescope's two scripts and the grader:
 * - `setup.sh`: run once by Gradescope, as root, on its Ubuntu image: installs Node.js 24 (an LTS line
 *   the project is tested on) when the image has no Node >= 20, then the grader's dependencies (`npm ci`);
 * - `run_autograder`: run for each submission: grades the assignment's parts of ROOT/submission
 *   with this project's grader (tools/assignment/gradescope.ts) and writes
 *   ROOT/results/results.json; ROOT is AUTOGRADER_ROOT, else /autograder;
 * - `grader/`: the student version of this project (stubs, no solution: the bundle holds none)
 *   and the submission grader's files;
 * - `answers/`: the expected outputs of the graded cases (test/fixtures/grading/answers/), outside
 *   `grader/`: run_autograder makes the folder root's only (chmod 700) before grading, and the
 *   sandbox, which runs student code as an unprivileged user under Node's permission model, can
 *   neither read it nor is it told where it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { assignmentOption, exercisesOf } from './exercises';
import type { AssignmentNumber } from './gradingKit';
import { buildStudentVersion } from './makeStudent';

/** Where the grader's answers are, relative to the project: bundled outside grader/. */
export const ANSWERS_DIR = 'test/fixtures/grading/answers';

/** The teacher-only files the bundle adds to the student version (to grade submissions). */
export const GRADER_FILES = [
  'tools/assignment/gradeSubmissions.ts',
  'tools/assignment/gradescope.ts',
  'tools/assignment/loadParts.ts',
  'tools/assignment/scratchProject.ts',
  'tools/assignment/studentCode.ts',
];

const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null || [ "$(node_major)" -lt 20 ]; then
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  # Node.js 24 (LTS) from NodeSource's Debian/Ubuntu packages (Ubuntu's own nodejs is older).
  curl -fsSL https://deb.nodesource.com/setup_24.x | bash -
  apt-get install -y nodejs
fi
echo "node $(node --version), npm $(npm --version)"
cd /autograder/source/grader
npm ci --no-audit --no-fund
`;

/** run_autograder for one assignment's bundle. */
function runAutograder(assignment: AssignmentNumber): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for each submission: grades assignment ${assignment} of ROOT/submission and
# writes ROOT/results/results.json. ROOT is AUTOGRADER_ROOT when set (to try the bundle
# elsewhere), else /autograder.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
export AUTOGRADER_ROOT="$ROOT"
# The answers: readable by root only (the grader), never by the sandbox's user.
ANSWERS="$ROOT/source/answers"
mkdir -p "$ANSWERS"
if [ "$(id -u)" = 0 ]; then chown -R 0:0 "$ANSWERS"; fi
chmod 700 "$ANSWERS"
find "$ANSWERS" -type f -exec chmod 600 {} +
export GRADE_ANSWERS_DIR="$ANSWERS"
# The grader's code, inputs and node_modules: readable by the sandbox's user, writable by root.
chmod a+rX "$ROOT" "$ROOT/source"
chmod -R a+rX,go-w "$ROOT/source/grader"
cd "$ROOT/source/grader"
exec node --import tsx tools/assignment/gradescope.ts --assignment ${assignment}
`;
}

/**
 * The bundle's files.
 * @param root the solved project
 * @param assignment the assignment its run_autograder grades
 * @returns zip path -> [content, unix mode]
 */
export function bundleFiles(
  root: string,
  assignment: AssignmentNumber,
): Map<string, { content: Buffer; mode: number }> {
  const files = new Map<string, { content: Buffer; mode: number }>();
  for (const f of buildStudentVersion(root)) {
    files.set(`grader/${f.path}`, { content: f.content, mode: f.mode });
  }
  for (const f of GRADER_FILES) {
    files.set(`grader/${f}`, { content: fs.readFileSync(path.join(root, f)), mode: 0o644 });
  }
  const leaked = [...files.keys()].filter((f) => f.startsWith(`grader/${ANSWERS_DIR}/`));
  if (leaked.length > 0) {
    throw new Error(
      `autograder: the student version holds answers (${leaked.slice(0, 3).join(', ')}): not bundled`,
    );
  }
  const answers = path.join(root, ANSWERS_DIR);
  if (fs.existsSync(answers)) {
    for (const f of fs
      .readdirSync(answers)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      files.set(`answers/${f}`, { content: fs.readFileSync(path.join(answers, f)), mode: 0o600 });
    }
  }
  files.set('setup.sh', { content: Buffer.from(SETUP_SH), mode: 0o755 });
  files.set('run_autograder', { content: Buffer.from(runAutograder(assignment)), mode: 0o755 });
  return files;
}

/**
 * Builds the autograder zip (executable bits kept, fixed dates: the same input gives the same zip).
 * @param root the solved project
 * @param assignment the assignment it grades
 */
export function buildAutograder(
  root: string,
  assignment: AssignmentNumber,
): { zip: Uint8Array; names: string[] } {
  const files = bundleFiles(root, assignment);
  const names = [...files.keys()].sort();
  const mtime = new Date(Date.UTC(2000, 0, 1));
  const zip = zipSync(
    Object.fromEntries(
      names.map((n) => {
        const f = files.get(n) as { content: Buffer; mode: number };
        // Unix permissions in the high 16 bits of the external attributes (made on Unix: os 3).
        return [n, [f.content, { mtime, os: 3, attrs: (0o100000 | f.mode) << 16 }]];
      }),
    ),
    { level: 6 },
  );
  return { zip, names };
}

function main(argv: string[]): void {
  const usage =
    'usage: npm run autograder -- --out FILE [--assignment 1|2]\n' +
    '  a Gradescope autograder zip for one assignment (default 1): upload one per assignment';
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const i = argv.indexOf('--out');
  if (i < 0 || !argv[i + 1]) {
    console.error(`autograder: --out FILE is missing\n${usage}`);
    process.exit(2);
  }
  const assignment = assignmentOption(argv, 'autograder', usage, 1);
  const out = path.resolve(argv[i + 1]);
  if (!fs.existsSync(path.dirname(out))) {
    console.error(`autograder: folder ${path.dirname(out)} does not exist`);
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..', '..');
  try {
    const { zip, names } = buildAutograder(root, assignment);
    const tmp = `${out}.partial`;
    fs.writeFileSync(tmp, zip);
    fs.renameSync(tmp, out);
    const notebooks = exercisesOf(assignment).map((e) => path.basename(e.notebook, '.ipynb'));
    console.log(
      `autograder: wrote ${out} (assignment ${assignment}: ${notebooks.join(', ')}; ${names.length} files, ${Math.round(zip.length / 1024)} KiB)`,
    );
    console.log('upload it as the autograder of a Gradescope programming assignment');
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}

if (require.main === module) main(process.argv.slice(2));
