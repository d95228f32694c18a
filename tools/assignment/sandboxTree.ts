/**
 * The folder a part's sandbox runs from: plain CommonJS, made by the grader before any student
 * code runs. The sandbox cannot transpile TypeScript itself (tsx's loader and esbuild start worker
 * threads and a child process, which the permission model refuses), so the grader transpiles:
 * - `lib/`: every file of the graded project's lib/ (the submission's scratch copy), `.ts` as
 *   `.js`, other files (the wasm modules) copied;
 * - the sandbox's own modules: the child entry (sandboxChild.ts) and the parts module, with every
 *   relative import they reach, at their paths under the grader's root;
 * - `package.json` (`{"type": "commonjs"}`, so that Node looks no further up) and `node_modules`,
 *   a link to the grader's.
 * Files are 0644 and folders 0755 (readable by the sandbox's unprivileged user, writable by no one
 * but the grader).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The grader's own project. */
export const graderRoot = path.resolve(__dirname, '..', '..');

/** Transpiled sources by their text (the same file of many submissions is transpiled once). */
const transpiled = new Map<string, string>();

function transpile(text: string, file: string): string {
  const key = `${file}\0${text}`;
  let js = transpiled.get(key);
  if (js === undefined) {
    js = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        esModuleInterop: true,
        resolveJsonModule: true,
      },
    }).outputText;
    transpiled.set(key, js);
  }
  return js;
}

function writeFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(file, content, { mode: 0o644 });
}

/**
 * Copies a folder of TypeScript as JavaScript: regular files only (a link or a device is
 * skipped, never followed).
 */
function copyTranspiled(from: string, to: string, rel: string): void {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const relName = `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === 'assembly') continue;
      copyTranspiled(src, path.join(to, e.name), relName);
    } else if (e.isFile()) {
      if (e.name.endsWith('.d.ts')) continue;
      if (e.name.endsWith('.ts')) {
        const js = transpile(fs.readFileSync(src, 'utf8'), relName);
        writeFile(path.join(to, `${e.name.slice(0, -3)}.js`), js);
      } else {
        writeFile(path.join(to, e.name), fs.readFileSync(src));
      }
    }
  }
}

/** The `.ts` file a relative import of `from` names, or null (a package, or not found). */
function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (f.endsWith('.ts') && fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  }
  return null;
}

/** The grader's `.ts` files an entry reaches through relative imports (itself included). */
export function importClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const imp of info.importedFiles) {
      const target = resolveImport(file, imp.fileName);
      if (target) visit(target);
    }
  };
  for (const e of entries) visit(path.resolve(e));
  return [...seen].sort();
}

/**
 * Makes the sandbox's folder.
 * @param projectDir the graded project (its lib/ is taken)
 * @param dest an empty folder of the grader
 * @param graderModules the grader's modules the sandbox loads (absolute `.ts` paths under the
 *   grader's root): the child entry and the parts module
 */
export function buildSandboxTree(
  projectDir: string,
  dest: string,
  graderModules: readonly string[],
): void {
  copyTranspiled(path.join(projectDir, 'lib'), path.join(dest, 'lib'), 'lib');
  for (const file of importClosure(graderModules)) {
    const rel = path.relative(graderRoot, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || rel.startsWith(`lib${path.sep}`)) continue;
    const js = transpile(fs.readFileSync(file, 'utf8'), rel);
    writeFile(path.join(dest, `${rel.slice(0, -3)}.js`), js);
  }
  writeFile(path.join(dest, 'package.json'), '{"type": "commonjs"}\n');
  fs.symlinkSync(path.join(graderRoot, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  fs.chmodSync(dest, 0o755);
}
