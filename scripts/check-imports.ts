/**
 * `npm run check:imports`: fails when the project's own modules import each other in a circle at
 * run time. Every .ts and .js file under lib/, tools/, scripts/, bench/ and jupyter/ is read with
 * the TypeScript compiler (no new dependency); an edge is any import or re-export that is not
 * type-only (`import type`, or named imports that are all `type`), and any `require('...')` or
 * `import('...')` with a literal path, since a lazy require still ties the two modules together at
 * run time. Paths are resolved as tsc resolves them (tsconfig.json's options); only files of the
 * project count. Prints each circle as `a.ts -> b.ts -> a.ts` and exits 1, or prints the module
 * and edge counts and exits 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const FOLDERS = ['lib', 'tools', 'scripts', 'bench', 'jupyter'];
const SKIP = new Set(['node_modules', 'build', 'fixtures', 'assembly']);

/** The .ts and .js files under `dir` (absolute paths), skipping build outputs and fixtures. */
function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sourceFiles(full);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Whether an import clause brings in a value (not only types). */
function importsValue(clause: ts.ImportClause | undefined): boolean {
  if (clause === undefined) return true; // `import './x'`: runs the module
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return true;
  return bindings.elements.length === 0 || bindings.elements.some((e) => !e.isTypeOnly);
}

/** Whether an export declaration re-exports a value from another module. */
function exportsValue(decl: ts.ExportDeclaration): boolean {
  if (decl.isTypeOnly) return false;
  const clause = decl.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause)) return true;
  return clause.elements.some((e) => !e.isTypeOnly);
}

/** The module specifiers a file loads at run time. */
export function runtimeSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (importsValue(node.importClause)) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (exportsValue(node)) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      !node.isTypeOnly &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const [arg] = node.arguments;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && ts.isStringLiteralLike(arg)) out.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The runtime import graph of `files`: file -> the project files it loads. */
export function importGraph(files: string[], options: ts.CompilerOptions): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of runtimeSpecifiers(file, fs.readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue; // packages and node: builtins
      const resolved = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      const target = resolved ? path.resolve(resolved.resolvedFileName) : null;
      if (target !== null && known.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/**
 * The circles of a graph: one per strongly connected component with more than one module (or a
 * module that loads itself), each as a path that starts and ends at the same module.
 */
export function findCircles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components, iteratively (no recursion limit on deep chains).
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; edge: number }> = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const edges = graph.get(top.node) ?? [];
      if (top.edge < edges.length) {
        const to = edges[top.edge++];
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== top.node);
        const selfLoop = (graph.get(top.node) ?? []).includes(top.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.map((c) => circleThrough(c, graph));
}

/** One circle inside a strongly connected component, from its first module back to it. */
function circleThrough(component: string[], graph: Map<string, string[]>): string[] {
  const inside = new Set(component);
  const first = component[0];
  // Breadth-first from `first` to any module that loads `first`: the shortest circle through it.
  const previous = new Map<string, string>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const to of graph.get(node) ?? []) {
      if (to === first) {
        const circle = [first];
        for (let at: string | undefined = node; at !== undefined && at !== first; ) {
          circle.splice(1, 0, at);
          at = previous.get(at);
        }
        return [...circle, first];
      }
      if (inside.has(to) && !previous.has(to) && to !== first) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [first, first];
}

function main(): void {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
  const files = FOLDERS.flatMap((f) => sourceFiles(path.join(ROOT, f))).sort();
  const graph = importGraph(files, options);
  const circles = findCircles(graph);
  const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
  if (circles.length === 0) {
    console.log(
      `check-imports: no runtime import circle (${files.length} modules, ${edges} imports in ${FOLDERS.join('/, ')}/)`,
    );
    return;
  }
  for (const circle of circles) {
    console.error(
      `check-imports: runtime import circle: ${circle.map((f) => path.relative(ROOT, f)).join(' -> ')}`,
    );
  }
  console.error(`check-imports: ${circles.length} circle(s) in ${files.length} modules`);
  process.exitCode = 1;
}

if (require.main === module) main();
