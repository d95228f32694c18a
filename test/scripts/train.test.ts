import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../scripts/train';

const root = resolve(__dirname, '..', '..');
const tsx = require.resolve('tsx/cli', { paths: [root] });
/** Tests that start tsx (or npm, then tsx): seconds each on a loaded machine. */
const CHILD_TIMEOUT_MS = 60_000;

function train(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [tsx, 'scripts/train.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm run train', () => {
  it('parses the assignment defaults and the options', () => {
    expect(parseTrainArgs([])).toMatchObject({
      hidden: 50,
      lr: 1e-3,
      lrDecay: 0.95,
      epochs: 10,
      batchSize: 200,
      updateRule: 'sgd',
      reg: 0,
      seed: 0,
      json: false,
    });
    expect(parseTrainArgs(['--hidden', '128', '--update-rule', 'adam', '--json'])).toMatchObject({
      hidden: 128,
      updateRule: 'adam',
      json: true,
    });
  });

  it('parses --features (the image-features pipeline) with the shared options', () => {
    expect(parseTrainArgs([])).toMatchObject({ features: false });
    expect(parseTrainArgs(['--features', '--json', '--seed', '2'])).toMatchObject({
      features: true,
      json: true,
      seed: 2,
    });
  });

  it('--features ends with one clear line and exit 1 when the dataset folder does not exist', () => {
    const r = train(['--features', '--json'], { CIFAR10_DIR: '/nonexistent/cifar' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^train: .*\/nonexistent\/cifar/);
  }, 60_000);

  it('names the bad option', () => {
    expect(() => parseTrainArgs(['--lr', '0'])).toThrow("--lr must be a positive number, got '0'");
    expect(() => parseTrainArgs(['--lr=-1e-3'])).toThrow(
      "--lr must be a positive number, got '-1e-3'",
    );
    expect(() => parseTrainArgs(['--batch-size', '2.5'])).toThrow(
      "--batch-size must be a positive integer, got '2.5'",
    );
    expect(() => parseTrainArgs(['--update-rule', 'nesterov'])).toThrow(
      "--update-rule must be one of sgd, sgd_momentum, rmsprop, adam, got 'nesterov'",
    );
    expect(() => parseTrainArgs(['--bogus'])).toThrow(/bogus/);
  });

  it(
    'ends with one clear line and exit 1 when the dataset folder does not exist',
    () => {
      const r = train(['--epochs', '1'], { CIFAR10_DIR: '/nonexistent/cifar' });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^train: .*\/nonexistent\/cifar/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'ends with one clear line and exit 1 when a batch file is corrupt (truncated)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'cifar-bad-'));
      dirs.push(dir);
      for (const f of [
        'data_batch_1',
        'data_batch_2',
        'data_batch_3',
        'data_batch_4',
        'data_batch_5',
        'test_batch',
      ]) {
        writeFileSync(join(dir, `${f}.bin`), Buffer.alloc(3073 * 3));
      }
      const r = train(['--epochs', '1'], { CIFAR10_DIR: dir });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^train: .*data_batch_1\.bin.*9219.*30730000/);
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'npm run train -- --help prints the usage and exits 0',
    () => {
      const r = spawnSync('npm', ['run', '-s', 'train', '--', '--help'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run train -- \[--hidden 50\]/);
      expect(r.stdout).toContain('[--update-rule sgd|sgd_momentum|rmsprop|adam]');
      expect(r.stderr).toBe('');
      expect(parseTrainArgs(['--help'])).toBe('help');
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'ends with one clear line and exit 1 on a bad option',
    () => {
      const r = train(['--lr', 'fast'], {});
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe("train: --lr must be a positive number, got 'fast'");
    },
    CHILD_TIMEOUT_MS,
  );
});
