import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

describe('Kernel > Interrupt during solver.train()', () => {
  it('stops the run, keeps the solver usable and says where in one line', async () => {
    const child = spawn(
      process.execPath,
      // tsx as a loader of this very process (its CLI would take the SIGINT itself)
      ['--import', 'tsx', path.join(__dirname, '..', 'helpers', 'interruptChild.ts')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TRAINING line; stderr: ${err}`)), 60_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('TRAINING\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const result = JSON.parse(out.split('\n').filter(Boolean).pop() ?? '{}');
    expect(result.error).toBe('ERR_SCRIPT_EXECUTION_INTERRUPTED');
    // The run got past the point where the child announced itself and stopped there.
    expect(result.iteration).toBeGreaterThan(50);
    // The interrupt may land between an iteration's loss, its count and its report to the view.
    expect(result.losses - result.iteration).toBeGreaterThanOrEqual(0);
    expect(result.losses - result.iteration).toBeLessThanOrEqual(1);
    expect(result.valChecks).toBeGreaterThanOrEqual(1);
    expect(result.bestParams).toEqual(['W1', 'W2', 'b1', 'b2']);
    // The bar is one line that names the last iteration it was told of.
    const [, shown, stopped] =
      /iteration (\d+) \/ \d+ .* interrupted at iteration (\d+)$/.exec(result.lastBar) ?? [];
    expect(Number(shown)).toBe(Number(stopped));
    expect(result.iteration - Number(stopped)).toBeGreaterThanOrEqual(0);
    expect(result.iteration - Number(stopped)).toBeLessThanOrEqual(1);
    expect(result.lastBar.split('\n')).toHaveLength(1);
    // The chart became the final figure, with its PNG.
    expect(result.lastChart).toEqual([
      'application/vnd.plotly.v1+json',
      'image/png',
      'text/html',
      'text/plain',
    ]);
  }, 90_000);
});
