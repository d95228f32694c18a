/**
 * Every graded exercise, in the order of the assignment. An exercise is one file in this folder
 * exporting an {@link Exercise} (its notebook and parts); add it here to grade it.
 */
import type { Exercise, Part } from '../gradingKit';
import { features } from './features';
import { knn } from './knn';
import { softmax } from './softmax';
import { svm } from './svm';
import { twoLayerNet } from './twoLayerNet';

export const exercises: readonly Exercise[] = [knn, svm, softmax, twoLayerNet, features];

/** All parts, in order. */
export function allParts(): Part[] {
  return exercises.flatMap((e) => e.parts);
}
