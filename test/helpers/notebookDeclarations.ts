/**
 * Top-level declarations of a notebook's code cells, for the check that both kernels can run them.
 * Deno's kernel evaluates each cell in V8's REPL mode, where a later cell may declare a name again
 * only with the same kind: `let x` in one cell and `const x` in a later one is a SyntaxError there
 * ("Identifier 'x' has already been declared"), while tslab accepts it.
 */
import ts from 'typescript';

/** How a top-level name is declared. */
export type DeclarationKind = 'const' | 'let' | 'var' | 'function' | 'class';

/** The names bound by a binding name (`x`, `[a, b]`, `{ c, d: [e] }`). */
function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));
}

/** The top-level names `source` (a cell's TypeScript) declares, in order, with their kind. */
export function topLevelDeclarations(source: string): Array<[string, DeclarationKind]> {
  const file = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, false);
  const out: Array<[string, DeclarationKind]> = [];
  for (const st of file.statements) {
    if (ts.isVariableStatement(st)) {
      const flags = st.declarationList.flags;
      const kind = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
      for (const d of st.declarationList.declarations) {
        for (const n of boundNames(d.name)) out.push([n, kind]);
      }
    } else if (ts.isFunctionDeclaration(st) && st.name) out.push([st.name.text, 'function']);
    else if (ts.isClassDeclaration(st) && st.name) out.push([st.name.text, 'class']);
  }
  return out;
}

/**
 * The names that a later cell declares with another kind than an earlier one, as
 * `'model': let (cell 19), then const (cell 21)`; `cells` are the code cells' sources with their
 * index in the notebook.
 */
export function declarationKindChanges(cells: Array<{ index: number; source: string }>): string[] {
  const seen = new Map<string, { kind: DeclarationKind; index: number }>();
  const changes: string[] = [];
  for (const { index, source } of cells) {
    for (const [name, kind] of topLevelDeclarations(source)) {
      const before = seen.get(name);
      if (before && before.kind !== kind) {
        changes.push(
          `'${name}': ${before.kind} (cell ${before.index}), then ${kind} (cell ${index})`,
        );
      }
      seen.set(name, { kind, index });
    }
  }
  return changes;
}
