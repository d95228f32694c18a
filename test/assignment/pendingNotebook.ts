/**
 * The one notebook the graded parts may name before it is in the project: ConvolutionalNetworks
 * (its exercise's parts were merged before the notebook itself). While that file is absent from
 * the solved project, the slow tests leave it out of what they copy and take its notebook parts
 * as unearnable; once it is there, these helpers change nothing and every expectation is the full
 * one. No other absent notebook is tolerated: it is an error here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allParts, exercisesOf } from '../../tools/assignment/exercises';
import type { AssignmentNumber, Part } from '../../tools/assignment/gradingKit';

/** The notebook that may still be absent. */
export const PENDING_NOTEBOOK = 'notebooks/assignment2/ConvolutionalNetworks.ipynb';

/** Whether the pending notebook is absent from the project at `root`. */
export function notebookPending(root: string): boolean {
  return !fs.existsSync(path.join(root, PENDING_NOTEBOOK));
}

/**
 * The notebooks of an assignment (or of both) that the project at `root` holds: all of them, but
 * for the pending notebook while it is absent.
 * @throws Error when any other notebook of the assignment is absent
 */
export function presentNotebooks(root: string, assignment?: AssignmentNumber): string[] {
  const all = (assignment ? exercisesOf(assignment) : [...exercisesOf(1), ...exercisesOf(2)]).map(
    (e) => e.notebook,
  );
  const absent = all.filter((f) => !fs.existsSync(path.join(root, f)));
  const unexpected = absent.filter((f) => f !== PENDING_NOTEBOOK);
  if (unexpected.length > 0) {
    throw new Error(`pendingNotebook: ${unexpected.join(', ')} absent from ${root}`);
  }
  return all.filter((f) => !absent.includes(f));
}

/**
 * The parts no submission made from the project at `root` can earn because the pending notebook
 * is absent: its notebook parts (none once the notebook is there).
 */
export function pendingParts(root: string, assignment?: AssignmentNumber): Part[] {
  if (!notebookPending(root)) return [];
  return allParts(assignment).filter((p) => p.kind === 'notebook' && p.file === PENDING_NOTEBOOK);
}

/** The points of {@link pendingParts}. */
export function pendingPoints(root: string, assignment?: AssignmentNumber): number {
  return pendingParts(root, assignment).reduce((s, p) => s + p.points, 0);
}
