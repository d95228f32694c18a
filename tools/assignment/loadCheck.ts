/**
 * Loads one module of a project and says so: `node --import tsx tools/assignment/loadCheck.ts
 * FILE` prints `loaded` when FILE (and what it imports) compiles and runs its top level, else
 * the error on stderr and exit code 1. The grader runs it with a time limit before grading a
 * submission (scratchProject.ts), so a file that hangs at import is found once.
 */
const file = process.argv[2];
try {
  require(file);
  process.stdout.write('loaded\n');
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`${err.name}: ${err.message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
