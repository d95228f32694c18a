/**
 * The kernel's cell executor, in place of tslab's own (tslab/dist/executor.js createExecutor, whose
 * interface it keeps: execute, inspect, complete, locals, reset, interrupt, close). tslab's
 * converter still compiles and type-checks every cell; what changes is how the result runs:
 *
 * - lib/ runs through ./moduleLoader.ts (autoreload before every cell, live imports, source maps).
 * - Names a cell imports stay live: tslab's exports object kept the value an import had when its
 *   cell ran; here the accessor itself is kept, so it reads the module's current version.
 * - An interrupted or failing cell keeps what it declared and assigned before it stopped: its
 *   declarations are carried to the next cell, minus the variables it never reached (tslab dropped
 *   all of them: "Cannot find name 'solver'" in the next cell). An interrupt prints one line, and
 *   the process event 'cs231n:interrupted' is emitted so library code (a live training view) can
 *   say where it stopped; listeners run before the next cell and get { executionCount }.
 * - Unwritten exercises (student version, `npm run assignment`): the functions a student writes
 *   throw a NotImplementedError ("affineForward is not implemented yet: write it in
 *   lib/layers/affine.ts"). A cell stopped by one prints that sentence as one stderr line and
 *   counts as run, so "Run All" reaches the end and the declarations of the cell stay known to the
 *   next cells; any other error fails the cell.
 * - Errors: see ./messages.ts (one line for names used too early, our frames only).
 * - A cell whose last statement is an assignment (`solver = new Solver(...)`, `x += 1`,
 *   `model.reg = 0.1`) shows nothing, as in Python; any other last expression is printed (a
 *   parenthesised assignment too, like Python's `(x := 1)`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type * as TypeScript from 'typescript';
import * as messages from './messages';
import { createModuleLoader } from './moduleLoader';
import type { ConsoleInterface, ConverterSet, Diagnostic, Executor } from './tslab';

/** vm file name prefix of cells: frames in cells are recognised (and shown as "cell") by it. */
export const CELL_FILE = 'tslab-cell-';

/** The process event emitted after an interrupted cell (see above). */
export const INTERRUPTED_EVENT = 'cs231n:interrupted';

/** What a cell's code block is run as: tslab's wrapper, with the cell's exports and require. */
export function wrapCell(output: string, hasToplevelAwait: boolean): string {
  const prefix = hasToplevelAwait
    ? '(async function(exports, require) { '
    : '(function(exports, require) { ';
  return `${prefix}${output}\n})(__tslab__.exports, __tslab__.require)`;
}

/** Whether a cell stopped at an unwritten exercise (lib/core/notImplemented.ts). */
export function isNotImplemented(e: unknown): e is Error {
  return e instanceof Error && e.name === 'NotImplementedError';
}

export interface ExecutorDeps {
  /** TypeScript, for transpiling lib/ and reading .d.ts text. */
  ts: typeof TypeScript;
  /** tslab's getCodeMetadata (tslab/dist/metadata.js): a cell's `//%` directives. */
  getCodeMetadata: (src: string) => { mode?: 'node' | 'browser'; module?: string };
  /** The `tslab` package (display API) cells may import. */
  tslabApi: () => unknown;
  /** Tells tslab's TypeScript program about edited files before a cell is compiled. */
  syncWatchedFiles?: () => string[];
}

/** tslab's createExecutor signature (tslab/dist/executor.d.ts). */
export type CreateExecutor = (
  rootDir: string,
  convs: ConverterSet,
  console: ConsoleInterface,
) => Executor;

/** Our createExecutor, for tslab/dist/executor.js (see the top of this file). */
export function makeCreateExecutor(deps: ExecutorDeps): CreateExecutor {
  const { ts, getCodeMetadata, tslabApi, syncWatchedFiles } = deps;
  return function createExecutor(rootDir, convs, console) {
    /** JavaScript of tslab's in-memory modules (`//%module` cells), by .js filename. */
    const virtualModules = new Map<string, string>();
    const loader = createModuleLoader({
      rootDir,
      ts,
      special: (id) => (id === 'tslab' ? tslabApi() : undefined),
      virtualSource: (filename) => virtualModules.get(filename),
    });
    const target: Record<string, unknown> = Object.create(null);
    const exportsObject = createExports(target);
    vm.runInThisContext('(x) => { globalThis.__tslab__ = x; }')({
      exports: exportsObject,
      require: loader.cellRequire,
    });

    let prevDecl = '';
    let count = 0;
    let rejectInterrupt: (err: Error) => void = () => {};
    let interruptPromise: Promise<never>;
    const resetInterruptPromise = () => {
      interruptPromise = new Promise<never>((_, reject) => {
        rejectInterrupt = reject;
      });
      interruptPromise.catch(() => {});
    };
    resetInterruptPromise();

    const libIndex = path.join(rootDir, 'lib', 'index.ts');
    let libNames = { stamp: '', names: new Set<string>() };
    let reloadGeneration = 0;

    function exportedLibNames(): Set<string> {
      // Read again when any lib file changed since (a cheap signature: the reload check's).
      const stamp = loader.loadedFiles().length > 0 ? String(reloadGeneration) : 'unloaded';
      if (stamp !== libNames.stamp) libNames = { stamp, names: namesExportedBy(ts, libIndex) };
      return libNames.names;
    }

    function printDiagnostics(diagnostics: Diagnostic[]): void {
      const oneLine = messages.missingNamesMessage(diagnostics, exportedLibNames());
      if (oneLine) {
        console.error(oneLine);
        return;
      }
      for (const d of diagnostics) {
        if (messages.isEmitNoise(d)) continue;
        console.error(
          '%s%d:%d - %s',
          d.fileName ? `${d.fileName} ` : '',
          d.start.line + 1,
          d.start.character + 1,
          d.messageText,
        );
      }
    }

    function reportFailure(err: unknown): void {
      if (messages.isInterrupt(err)) {
        console.error(messages.INTERRUPTED);
        try {
          (process as NodeJS.EventEmitter).emit(INTERRUPTED_EVENT, { executionCount: count });
        } catch (hookErr) {
          console.error(messages.formatError(hookErr, rootDir, CELL_FILE));
        }
        return;
      }
      console.error(messages.formatError(err, rootDir, CELL_FILE));
    }

    async function execute(src: string): Promise<boolean> {
      count += 1;
      syncWatchedFiles?.();
      const reloaded = loader.refresh();
      if (reloaded.length > 0) reloadGeneration += 1;
      if (reloaded.length > 0 && process.env.CS231N_KERNEL_LOG) {
        console.error(`[kernel] reloading ${reloaded.join(', ')}`);
      }

      const meta = getCodeMetadata(src);
      if (meta.module) {
        const conv = meta.mode === 'browser' ? convs.browser : convs.node;
        printDiagnostics(conv.addModule(meta.module, src, meta));
        return true;
      }
      if (meta.mode === 'browser') return true;

      const converted = convs.node.convert(prevDecl, src);
      for (const out of converted.sideOutputs ?? []) {
        if (fs.existsSync(out.path.replace(/\.js$/, '.ts'))) continue;
        if (virtualModules.get(out.path) !== out.data) {
          virtualModules.set(out.path, out.data);
          loader.forget(out.path);
        }
      }
      if (converted.diagnostics.length > 0) {
        printDiagnostics(converted.diagnostics);
        return false;
      }
      if (!converted.output) {
        prevDecl = converted.declOutput || '';
        return true;
      }

      const wrapped = wrapCell(converted.output, converted.hasToplevelAwait === true);
      try {
        const result: unknown = vm.runInThisContext(wrapped, {
          filename: `${CELL_FILE}${count}`,
          breakOnSigint: true,
        });
        if (converted.hasToplevelAwait) await Promise.race([result, interruptPromise]);
      } catch (err) {
        if (!isNotImplemented(err)) {
          // Keep what the cell declared and assigned before it stopped.
          prevDecl = keepAssignedDeclarations(
            ts,
            converted.declOutput || '',
            target,
            cellDeclaredNames(ts, src),
          );
          reportFailure(err);
          return false;
        }
        // An unwritten exercise: its sentence is the cell's output, and the cell counts as run.
        console.error('%s', err.message);
      }
      prevDecl = converted.declOutput || '';
      const last = converted.lastExpressionVar;
      if (last && exportsObject[last] != null) {
        const value = exportsObject[last];
        delete exportsObject[last];
        if (!endsInAssignment(ts, src)) console.log(value);
      }
      return true;
    }

    const convFor = (src: string) =>
      getCodeMetadata(src).mode === 'browser' ? convs.browser : convs.node;

    return {
      execute,
      inspect: (src, position) => convFor(src).inspect(prevDecl, src, position),
      complete: (src, position) => convFor(src).complete(prevDecl, src, position),
      locals: exportsObject,
      reset() {
        prevDecl = '';
        for (const name of Object.getOwnPropertyNames(target)) delete target[name];
      },
      interrupt() {
        rejectInterrupt(new Error(messages.ASYNC_INTERRUPT_MESSAGE));
        resetInterruptPromise();
      },
      close() {
        convs.close();
      },
    };
  };
}

/**
 * The object cells read and write earlier cells' names through (`exports.x`). Imports keep their
 * accessor (so they follow reloads); assigning a name that was an import replaces the accessor.
 */
function createExports(target: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(target, {
    defineProperty(t, prop, attrs) {
      if (prop === '__esModule') return true;
      if (attrs.get) {
        Object.defineProperty(t, prop, {
          configurable: true,
          enumerable: true,
          get: attrs.get,
          set(value) {
            Object.defineProperty(t, prop, {
              configurable: true,
              enumerable: true,
              writable: true,
              value,
            });
          },
        });
      } else {
        Object.defineProperty(t, prop, {
          configurable: true,
          enumerable: true,
          writable: true,
          value: attrs.value,
        });
      }
      return true;
    },
  });
}

/**
 * The names a module exports (its `export { ... }` lists, exported declarations, and the modules
 * it re-exports with `export * from`), read from the sources without running them.
 */
export function namesExportedBy(
  ts: typeof TypeScript,
  filename: string,
  seen = new Set<string>(),
): Set<string> {
  const names = new Set<string>();
  if (seen.has(filename) || !fs.existsSync(filename)) return names;
  seen.add(filename);
  const sf = ts.createSourceFile(
    filename,
    fs.readFileSync(filename, 'utf8'),
    ts.ScriptTarget.ES2022,
  );
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st)) {
      if (st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) names.add(el.name.text);
      } else if (!st.exportClause && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const base = path.resolve(path.dirname(filename), st.moduleSpecifier.text);
        const file = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
        if (file) for (const n of namesExportedBy(ts, file, seen)) names.add(n);
      }
      continue;
    }
    const modifiers = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.add(d.name.text);
      }
    } else {
      const name = (st as { name?: TypeScript.Node }).name;
      if (name && ts.isIdentifier(name)) names.add(name.text);
    }
  }
  return names;
}

/**
 * Whether a cell's last top-level statement is an assignment expression (`=`, `+=`, `??=`, ...
 * to a name, a property or an element), whose value the cell does not show. A parenthesised
 * assignment is an expression the cell asks to see.
 */
export function endsInAssignment(ts: typeof TypeScript, src: string): boolean {
  const sf = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.ES2022, false);
  const last = sf.statements[sf.statements.length - 1];
  if (!last || !ts.isExpressionStatement(last)) return false;
  const e = last.expression;
  return (
    ts.isBinaryExpression(e) &&
    e.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    e.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  );
}

/** The names a cell declares at its top level (variables, functions, classes, enums). */
export function cellDeclaredNames(ts: typeof TypeScript, src: string): Set<string> {
  const names = new Set<string>();
  const sf = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.ES2022, true);
  const bind = (name: TypeScript.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if (
      (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) &&
      st.name
    ) {
      names.add(st.name.text);
    }
  }
  return names;
}

/**
 * The declarations to carry on after a cell stopped early (tslab's declOutput for it, a .d.ts
 * text that also holds the earlier cells' declarations): all of them, minus the variables,
 * functions and classes of this cell (`cellNames`) that hold no value. tslab's converter sets
 * every name a cell declares to undefined at the top of the cell (`exports.a = exports.b = void
 * 0;`), so "undefined" means "not reached".
 */
export function keepAssignedDeclarations(
  ts: typeof TypeScript,
  declText: string,
  values: Readonly<Record<string, unknown>>,
  cellNames: ReadonlySet<string>,
): string {
  if (!declText) return '';
  const sf = ts.createSourceFile('__prev__.d.ts', declText, ts.ScriptTarget.ES2022, true);
  const has = (name: string) => !cellNames.has(name) || values[name] !== undefined;
  const kept: string[] = [];
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const decls = st.declarationList.declarations.filter(
        (d) => !ts.isIdentifier(d.name) || has(d.name.text),
      );
      if (decls.length === 0) continue;
      if (decls.length === st.declarationList.declarations.length) {
        kept.push(st.getFullText(sf));
        continue;
      }
      const list = ts.factory.updateVariableDeclarationList(st.declarationList, decls);
      const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
      kept.push(
        `\n${printer.printNode(ts.EmitHint.Unspecified, ts.factory.updateVariableStatement(st, st.modifiers, list), sf)}`,
      );
      continue;
    }
    if (
      (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) &&
      st.name &&
      !has(st.name.text)
    ) {
      continue;
    }
    kept.push(st.getFullText(sf));
  }
  return `${kept.join('').replace(/^\n+/, '')}\n`;
}
