/**
 * Every graded exercise, in the order of the course: assignment 1's five, then assignment 2's
 * four. An exercise is one file in this folder exporting an {@link Exercise} (its assignment,
 * notebook and parts); add it here to grade it.
 */
import type { AssignmentNumber, Exercise, Part } from '../gradingKit';
import { batchNormalization } from './batchNormalization';
import { convolutionalNetworks } from './convolutionalNetworks';
import { dropout } from './dropout';
import { features } from './features';
import { fullyConnectedNets } from './fullyConnectedNets';
import { knn } from './knn';
import { softmax } from './softmax';
import { svm } from './svm';
import { twoLayerNet } from './twoLayerNet';

export const exercises: readonly Exercise[] = [
  knn,
  svm,
  softmax,
  twoLayerNet,
  features,
  fullyConnectedNets,
  batchNormalization,
  dropout,
  convolutionalNetworks,
];

/** The assignments graded, in order. */
export const ASSIGNMENTS: readonly AssignmentNumber[] = [1, 2];

/** The exercises of one assignment, or of every assignment when none is given. */
export function exercisesOf(assignment?: AssignmentNumber): Exercise[] {
  return exercises.filter((e) => assignment === undefined || e.assignment === assignment);
}

/** The parts of one assignment (or of all), in order. */
export function allParts(assignment?: AssignmentNumber): Part[] {
  return exercisesOf(assignment).flatMap((e) => e.parts);
}

/**
 * The assignment a command-line value names.
 * @throws RangeError naming the option and the value when it is not an assignment number
 */
export function parseAssignment(option: string, value: string | undefined): AssignmentNumber {
  const n = Number(value);
  const found = ASSIGNMENTS.find((a) => a === n);
  if (found === undefined || value === undefined || value.trim() === '') {
    throw new RangeError(
      `${option} must be one of ${ASSIGNMENTS.join(', ')}, got ${value === undefined ? 'nothing' : `'${value}'`}`,
    );
  }
  return found;
}

/**
 * The `--assignment N` of a command's arguments, `fallback` without it. A bad value prints the
 * reason and `usage` on stderr and exits 2 (`command` names the command in the message).
 */
export function assignmentOption(
  argv: string[],
  command: string,
  usage: string,
  fallback: AssignmentNumber,
): AssignmentNumber {
  const i = argv.indexOf('--assignment');
  if (i < 0) return fallback;
  try {
    return parseAssignment(`${command}: --assignment`, argv[i + 1]);
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
}
