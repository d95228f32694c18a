/**
 * The one check of option objects: a setting with a name the function does not know is an error
 * (as the assignment's Solver raises on unrecognised arguments), never silently dropped, and the
 * message suggests the name that was probably meant.
 */

/**
 * Throws when `options` is not a plain object or holds a key outside `known`.
 *
 * The suggestion is, in order: an entry of `hints` for that key (for a setting that lives
 * elsewhere, e.g. `learningRate` -> `optimConfig.learningRate`), a known name equal to the key once
 * snake_case is read as camelCase and case is ignored (`num_epochs` -> `numEpochs`), the one known
 * name that starts with the key (`numTrain` -> `numTraining`), or a known name at most two edits
 * away (`numEpoch` -> `numEpochs`).
 *
 * @param fn the public function (used in the message)
 * @param what what the object is, e.g. `options` or `optimConfig`
 * @param options the value passed (undefined is accepted: no options)
 * @param known the accepted keys
 * @param hints where a key that is not accepted here belongs instead
 * @throws TypeError `fn: unknown option 'num_epochs' in options; did you mean 'numEpochs'? (known: ...)`
 */
export function checkOptions(
  fn: string,
  what: string,
  options: unknown,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = Array.isArray(options) ? 'an array' : options === null ? 'null' : typeof options;
    throw new TypeError(`${fn}: ${what} must be an object, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = Object.keys(hints).includes(key) ? hints[key] : closestName(key, known);
    const meant = suggestion === undefined ? '' : `; did you mean '${suggestion}'?`;
    throw new TypeError(
      `${fn}: unknown option '${key}' in ${what}${meant} (known: ${known.join(', ')})`,
    );
  }
}

/** The known name `key` most likely stands for, or undefined when none is close. */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.replace(/[_\-\s]/g, '').toLowerCase();
  const k = squash(key);
  const same = known.find((name) => squash(name) === k);
  if (same !== undefined) return same;
  // A shortened name (numTrain for numTraining), when it is the start of exactly one known name.
  const longer = known.filter((name) => k.length >= 3 && squash(name).startsWith(k));
  if (longer.length === 1) return longer[0];
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const d = editDistance(k, squash(name));
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
