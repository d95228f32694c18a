/**
 * maxPoolForwardFast against maxPoolForwardNaive at the ConvolutionalNetworks notebook's timing
 * shape (x (100, 3, 32, 32), 2x2 pool, stride 2), each side in fresh processes, alternated:
 *
 *   node --require tsx/cjs bench/poolTiming.ts [--pairs 7] [--reps 20]
 *
 * Each child times its side's first call (the notebook's cell calls each once) and then `reps`
 * more calls; the parent prints the medians over processes of both and the fast/naive ratios.
 */
import { spawnSync } from 'node:child_process';
import { RandomState } from '../lib/core/random';
import type { Tensor } from '../lib/core/tensor';
import { maxPoolForwardFast } from '../lib/fastLayers';
import { maxPoolForwardNaive } from '../lib/layers/pooling';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** One side in this process: seconds of the first call and the median of `reps` further calls. */
function child(side: string, reps: number): void {
  const x = new RandomState(231).randn(100, 3, 32, 32) as Tensor;
  const poolParam = { poolHeight: 2, poolWidth: 2, stride: 2 };
  const call =
    side === 'fast'
      ? () => maxPoolForwardFast(x, poolParam)
      : () => maxPoolForwardNaive(x, poolParam);
  let t = now();
  call();
  const first = now() - t;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    t = now();
    call();
    times.push(now() - t);
  }
  process.stdout.write(`${JSON.stringify({ first, repeated: median(times) })}\n`);
}

function parent(pairs: number, reps: number): void {
  const results: Record<string, { first: number[]; repeated: number[] }> = {
    naive: { first: [], repeated: [] },
    fast: { first: [], repeated: [] },
  };
  for (let p = 0; p < pairs; p++) {
    const order = p % 2 === 0 ? ['naive', 'fast'] : ['fast', 'naive'];
    for (const side of order) {
      const run = spawnSync(
        process.execPath,
        ['--require', 'tsx/cjs', __filename, '--side', side, '--reps', String(reps)],
        { encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(`poolTiming: the ${side} child failed: ${run.stderr}`);
      const r = JSON.parse(run.stdout.trim().split('\n').pop() as string);
      results[side].first.push(r.first);
      results[side].repeated.push(r.repeated);
    }
  }
  const ms = (s: number) => `${(s * 1e3).toFixed(3)} ms`;
  for (const k of ['first', 'repeated'] as const) {
    const naive = median(results.naive[k]);
    const fast = median(results.fast[k]);
    process.stdout.write(
      `${k === 'first' ? 'first call   ' : `repeated (${reps})`}  naive ${ms(naive)}  fast ${ms(fast)}  speedup ${(naive / fast).toFixed(2)}x\n`,
    );
  }
  process.stdout.write(`(medians over ${pairs} processes per side, alternated)\n`);
}

const sideIndex = process.argv.indexOf('--side');
if (sideIndex >= 0) child(process.argv[sideIndex + 1], option('reps', 20));
else parent(option('pairs', 7), option('reps', 20));
