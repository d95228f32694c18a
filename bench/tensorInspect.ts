/**
 * What the short printing of tensors (lib/core/inspect.ts) costs in a hot path: the method sits
 * on the prototypes of ndarray's generated view classes, so creating, indexing, transposing and
 * picking views should not change speed. Alternates, in one process, rounds without the method
 * (removed from those prototypes) and with it (installTensorInspect), and prints the ratio of
 * each pair and their median.
 *
 * Run: npx tsx bench/tensorInspect.ts [pairs=10]
 */
import ndarray from 'ndarray';
import { inspectCustom, installTensorInspect, MAX_INSPECTED_RANK } from '../lib/core/inspect';

const TYPED = [Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint32Array];
const prototypes: object[] = [];
for (const Typed of TYPED) {
  for (let rank = 0; rank <= MAX_INSPECTED_RANK; rank++) {
    prototypes.push(Object.getPrototypeOf(ndarray(new Typed(0), new Array(rank).fill(0))));
  }
}
const remove = () => {
  for (const p of prototypes) delete (p as Record<symbol, unknown>)[inspectCustom];
};

const buf = new Float64Array(6);
let sink = 0;
/** One round: a million views made, written, read, transposed and picked; milliseconds. */
function round(): number {
  const t0 = performance.now();
  for (let i = 0; i < 1e6; i++) {
    const v = ndarray(buf, [2, 3]);
    v.set(1, 1, i);
    sink += v.get(1, 1) + v.transpose(1, 0).get(1, 1) + v.pick(0, null).get(1);
  }
  return performance.now() - t0;
}

const pairs = Number(process.argv[2] ?? 10);
round();
round();
const ratios: number[] = [];
for (let k = 0; k < pairs; k++) {
  remove();
  const without = round();
  installTensorInspect();
  const withMethod = round();
  ratios.push(withMethod / without);
}
ratios.sort((a, b) => a - b);
const mid = ratios.length / 2;
const median = ratios.length % 2 ? ratios[Math.floor(mid)] : (ratios[mid - 1] + ratios[mid]) / 2;
console.log(`with / without, per pair: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
console.log(`median ${median.toFixed(3)} (${sink > 0 ? 'checksum ok' : 'checksum 0'})`);
