/**
 * The student version of a TypeScript source: each `// BEGIN SOLUTION` ... `// END SOLUTION` region
 * inside a function becomes a throw of NotImplementedError naming the function and the file; the
 * signature, the TSDoc and the given code around the region stay as they are.
 */
import path from 'node:path';
import ts from 'typescript';
import { findRegions, type Region } from './markers';

/** Where the error class lives, relative to the project root. */
export const NOT_IMPLEMENTED_MODULE = 'lib/core/notImplemented.ts';

/**
 * Rewrites one source file for the student version.
 *
 * @param text the solved file
 * @param file its path relative to the project root, with '/' separators (named in the errors)
 * @returns the student file; `text` unchanged when it has no regions
 */
export function studentSource(text: string, file: string): string {
  const lines = text.split('\n');
  const regions = findRegions(lines, 'code', file);
  if (regions.length === 0) return text;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineStarts = source.getLineStarts();

  const out: string[] = [];
  let next = 0;
  for (const r of regions) {
    out.push(...lines.slice(next, r.begin));
    out.push(...stub(r, enclosingName(source, lineStarts[r.begin]), file));
    next = r.end + 1;
  }
  out.push(...lines.slice(next));
  return addImport(out, source, file).join('\n');
}

function stub(r: Region, what: string | null, file: string): string[] {
  if (what === null) {
    // A region outside any function: an empty block to fill in.
    return [`${r.indent}// TODO: write this part of ${file}.`];
  }
  const todo = `${r.indent}// TODO: write ${what}, replacing the throw below.`;
  const oneLine = `${r.indent}throw new NotImplementedError(${quote(what)}, ${quote(file)});`;
  // Laid out as Biome formats it (line width 100).
  if (oneLine.length <= 100) return [todo, oneLine];
  return [
    todo,
    `${r.indent}throw new NotImplementedError(`,
    `${r.indent}  ${quote(what)},`,
    `${r.indent}  ${quote(file)},`,
    `${r.indent});`,
  ];
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The name of the innermost function, method or constructor around a position. */
function enclosingName(source: ts.SourceFile, pos: number): string | null {
  let found: string | null = null;
  const visit = (node: ts.Node): void => {
    if (pos < node.getStart(source) || pos >= node.getEnd()) return;
    const name = functionName(node, source);
    if (name !== null) found = name;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function functionName(node: ts.Node, source: ts.SourceFile): string | null {
  const className = (): string => {
    const cls = node.parent;
    return cls && (ts.isClassDeclaration(cls) || ts.isClassExpression(cls)) && cls.name
      ? cls.name.text
      : 'the class';
  };
  if (ts.isFunctionDeclaration(node) && node.body) return node.name?.text ?? 'this function';
  if (ts.isConstructorDeclaration(node) && node.body) return `${className()} constructor`;
  if (
    (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) &&
    node.body
  ) {
    return `${className()}.${node.name.getText(source)}`;
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const parent = node.parent;
    if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
    if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
    return 'this function';
  }
  return null;
}

/** Adds `import { NotImplementedError } from '...'` among the file's imports. */
function addImport(lines: string[], source: ts.SourceFile, file: string): string[] {
  if (!lines.some((l) => l.includes('new NotImplementedError('))) return lines;
  let spec = path.posix
    .relative(path.posix.dirname(file), NOT_IMPLEMENTED_MODULE)
    .replace(/\.ts$/, '');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  const importLine = `import { NotImplementedError } from '${spec}';`;
  const imports = source.statements.filter(ts.isImportDeclaration);
  // In the order Biome keeps imports: before the first relative import that sorts after it.
  // Regions never contain imports, so line numbers before the first region are unchanged.
  const after = imports.find((d) => {
    const other = (d.moduleSpecifier as ts.StringLiteral).text;
    return other.startsWith('.') && other.localeCompare(spec, 'en', { sensitivity: 'base' }) > 0;
  });
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line;
  const at = after
    ? lineOf(after.getStart(source))
    : imports.length > 0
      ? lineOf(imports[imports.length - 1].getEnd()) + 1
      : source.statements.length > 0
        ? lineOf(source.statements[0].getStart(source))
        : 0;
  return [...lines.slice(0, at), importLine, ...lines.slice(at)];
}
