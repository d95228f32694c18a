/**
 * Edits seen by the type checker. tslab's TypeScript program watches the files cells import with
 * the watchers of `ts.sys.watchFile`, whose events arrive whenever the event loop gets to them: a
 * cell run just after a save could be type-checked against the file as it was. The watchers of
 * the project's own files (below the root, outside node_modules) are replaced by a list that
 * `sync()` checks (size and mtime) right before each cell, calling the program's callbacks for
 * the files that changed; other files keep TypeScript's watchers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TsForTslab from '@tslab/typescript-for-tslab';

type WatchFile = NonNullable<TsForTslab.System['watchFile']>;

export interface PolledWatches {
  /** In place of `ts.sys.watchFile` (same signature). */
  watchFile: WatchFile;
  /** Calls the callbacks of the watched files that changed since; returns those files. */
  sync(): string[];
  /** The files watched by polling. */
  files(): string[];
}

/**
 * Watchers for the files below `root` (outside node_modules) that are polled by `sync()`.
 * @param root the project root
 * @param kinds TypeScript's FileWatcherEventKind (tslab's TypeScript)
 * @param fallback the watchFile for every other file (TypeScript's own)
 */
export function createPolledWatches(
  root: string,
  kinds: typeof TsForTslab.FileWatcherEventKind,
  fallback: WatchFile,
): PolledWatches {
  const polled = new Map<
    string,
    { stamp: string; callbacks: Set<TsForTslab.FileWatcherCallback> }
  >();

  const watchFile: WatchFile = (file, callback, interval, options) => {
    const ours = path.resolve(file).startsWith(root + path.sep) && !file.includes('/node_modules/');
    if (!ours) return fallback(file, callback, interval, options);
    let entry = polled.get(file);
    if (!entry) {
      entry = { stamp: stampOf(file), callbacks: new Set() };
      polled.set(file, entry);
    }
    const callbacks = entry.callbacks;
    callbacks.add(callback);
    return { close: () => callbacks.delete(callback) };
  };

  function sync(): string[] {
    const changed: string[] = [];
    for (const [file, entry] of polled) {
      const stamp = stampOf(file);
      if (stamp === entry.stamp) continue;
      const kind =
        stamp === MISSING ? kinds.Deleted : entry.stamp === MISSING ? kinds.Created : kinds.Changed;
      entry.stamp = stamp;
      for (const cb of [...entry.callbacks]) cb(file, kind);
      changed.push(file);
    }
    return changed;
  }

  return { watchFile, sync, files: () => [...polled.keys()] };
}

const MISSING = 'missing';

function stampOf(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return MISSING;
  }
}
