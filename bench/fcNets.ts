/**
 * Our side of `npm run bench -- --fcnets` (run by bench/run.ts, one child process per
 * measurement): the FullyConnectedNets notebook's cells (bench/fcNetsCells.ts) on one backend at
 * bench/spec.json's `fcnets` budget, printed as one JSON object on stdout.
 *
 *   node --max-semi-space-size=64 --require tsx/cjs bench/fcNets.ts --spec bench/spec.json --backend blas
 *
 * (bench/run.ts runs it with the notebook kernel's V8 flags, as above.)
 *
 * The JSON holds the wall time of every cell and of all of them (`seconds`, from the data cell to
 * the last prediction; the process start and module loading are not in it), the FLOPs of the
 * matrix products each cell ran (`cellFlops`) and their sum, the rate of the net's largest product measured back to back after the
 * cells (for the compute floor), and the results showing the work was done (accuracies, gradient
 * check errors). The Solvers' log goes to stderr.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import { type BackendName, backendInfo, setBackend } from '../lib/backends';
import { type FcNetsBudget, fcNetsCells } from './fcNetsCells';
import { countFlops, takeFlops } from './flops';
import { type GemmShape, timeGemm } from './gemmRate';

/** bench/spec.json's parts read here. */
interface Spec {
  gemm: { minSeconds: number; minReps: number };
  fcnets: FcNetsBudget & { gemm: GemmShape[] };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Runs the cells in order, timed one by one, then the GEMM rate; prints the JSON line. */
function main(): void {
  // As the notebook kernel does on Node 24 and later (jupyter/kernel/tslabKernel.ts says why); its other
  // V8 flag comes from bench/run.ts's command line.
  if (Number(process.versions.node.split('.')[0]) >= 24) {
    v8.setFlagsFromString('--external-memory-accounted-in-global-limit');
  }
  const spec = JSON.parse(fs.readFileSync(option('spec') ?? 'bench/spec.json', 'utf8')) as Spec;
  const backend = option('backend');
  if (backend !== undefined) setBackend(backend as BackendName);
  countFlops();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { cells, results } = fcNetsCells(spec.fcnets, log);
  const cellSeconds: Record<string, number> = {};
  const cellFlops: Record<string, number> = {};
  takeFlops();
  const start = now();
  for (const cell of cells) {
    const t = now();
    cell.run();
    cellSeconds[cell.name] = now() - t;
    cellFlops[cell.name] = takeFlops();
  }
  const seconds = now() - start;
  const flops = Object.values(cellFlops).reduce((a, b) => a + b, 0);
  const gemm = spec.fcnets.gemm.map((s) => timeGemm(s, spec.gemm.minSeconds, spec.gemm.minReps));
  const out = {
    node: process.version,
    backend: backendInfo().name,
    detail: backendInfo().detail,
    gemm,
    fcnets: { seconds, flops, cellSeconds, cellFlops, ...results },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main();
