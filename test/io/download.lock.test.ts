/**
 * One download at a time per data folder: two processes downloading into the same folder (one
 * completes, the other waits for it and finds the folder complete: one request to the server,
 * nothing half-written left), a stale lock of a process that is gone, a live one that does not
 * finish within `lockWaitMs` (one line naming its pid), and a failing download that leaves no lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CIFAR10_LOCK_NAME,
  type DownloadCIFAR10Options,
  downloadCIFAR10,
} from '../../lib/io/download';
import {
  ARCHIVE_FILES,
  BATCH_FILES,
  batchFileBytes,
  makeTempDir,
  smallArchiveEntries,
  tarGz,
} from '../helpers/cifarFixture';

const ROOT = path.resolve(__dirname, '..', '..');
const RECORDS = 100;
const archive = tarGz(smallArchiveEntries(RECORDS));
const md5 = createHash('md5').update(archive).digest('hex');

let server: http.Server;
let base: string;
let root: string;
let hits = 0;
let count = 0;

beforeAll(async () => {
  root = makeTempDir('cifar-download-lock-test-');
  server = http.createServer((req, res) => {
    if (req.url !== '/slow.tar.gz') {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    hits++;
    // Twenty pieces 150 ms apart: about 3 s, so a second process starts while this one downloads.
    res.writeHead(200, { 'content-length': archive.length });
    const piece = Math.ceil(archive.length / 20);
    let at = 0;
    const next = (): void => {
      if (at >= archive.length) {
        res.end();
        return;
      }
      res.write(archive.subarray(at, at + piece));
      at += piece;
      setTimeout(next, 150);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = path.join(root, `data-${++count}`);
  fs.mkdirSync(dir);
  return dir;
}

function opts(dataDir: string, url = '/slow.tar.gz'): DownloadCIFAR10Options {
  return {
    dataDir,
    url: `${base}${url}`,
    md5,
    size: archive.length,
    progress: false,
    log: () => {},
    idleTimeoutMs: 10_000,
  };
}

function expectComplete(dataDir: string): void {
  expect(fs.readdirSync(dataDir)).toEqual(['cifar-10-batches-bin']);
  const dir = path.join(dataDir, 'cifar-10-batches-bin');
  expect(fs.readdirSync(dir).sort()).toEqual([...ARCHIVE_FILES].sort());
  BATCH_FILES.forEach((name, f) => {
    expect(fs.readFileSync(path.join(dir, name)).equals(batchFileBytes(f, RECORDS))).toBe(true);
  });
}

/** A process running downloadCIFAR10 into `dataDir`; resolves with its exit code and output. */
function downloader(dataDir: string): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string }>;
} {
  const script = `
const { downloadCIFAR10 } = require(${JSON.stringify(path.join(ROOT, 'lib/io/download'))});
downloadCIFAR10({ dataDir: ${JSON.stringify(dataDir)}, url: ${JSON.stringify(`${base}/slow.tar.gz`)},
  md5: ${JSON.stringify(md5)}, size: ${archive.length}, progress: false, idleTimeoutMs: 10000,
  log: (l) => console.log(l) })
  .then((r) => console.log('result ' + JSON.stringify(r)), (e) => { console.log('error ' + e.message); process.exit(1); });
`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out })),
  );
  return { child, done };
}

describe('two downloads into the same folder', () => {
  it('one downloads, the other waits for it and finds the folder complete', async () => {
    const dataDir = freshDataDir();
    hits = 0;
    const first = downloader(dataDir);
    // The second starts once the first holds the lock (it is downloading).
    const lock = path.join(dataDir, CIFAR10_LOCK_NAME);
    for (let i = 0; i < 300 && !fs.existsSync(lock); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(fs.readFileSync(lock, 'utf8')).toBe(`${first.child.pid}\n`);
    const second = downloader(dataDir);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(a.out).toContain('result {"dir":');
    expect(a.out).toContain('"changed":true');
    expect(b.out).toContain(
      `Another download (pid ${first.child.pid}) is filling ${dataDir}; waiting for it to finish`,
    );
    expect(b.out).toContain('"changed":false');
    expect(hits).toBe(1);
    // Nothing half-written: no lock, partial file, archive or temp folder.
    expectComplete(dataDir);
  }, 120_000);
});

describe('the download lock', () => {
  it('of a process that is gone is stale: removed, and the download goes on', async () => {
    const dataDir = freshDataDir();
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.on('close', r));
    fs.writeFileSync(path.join(dataDir, CIFAR10_LOCK_NAME), `${gone.pid}\n`);
    const r = await downloadCIFAR10(opts(dataDir));
    expect(r.changed).toBe(true);
    expectComplete(dataDir);
  }, 60_000);

  it('of a live process that does not finish within lockWaitMs: one line naming it, its lock kept', async () => {
    const dataDir = freshDataDir();
    const lock = path.join(dataDir, CIFAR10_LOCK_NAME);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(lock, `${other.pid}\n`);
      const lines: string[] = [];
      await expect(
        downloadCIFAR10({ ...opts(dataDir), lockWaitMs: 300, log: (l) => lines.push(l) }),
      ).rejects.toThrow(
        `downloadCIFAR10: another download (pid ${other.pid}) is filling ${dataDir} (lock ${lock}); wait for it to finish, or remove the lock file if that process is not downloading`,
      );
      expect(lines).toEqual([
        `Another download (pid ${other.pid}) is filling ${dataDir}; waiting for it to finish`,
      ]);
      expect(fs.readdirSync(dataDir)).toEqual([CIFAR10_LOCK_NAME]);
      expect(fs.readFileSync(lock, 'utf8')).toBe(`${other.pid}\n`);
    } finally {
      other.kill('SIGKILL');
    }
  }, 60_000);

  it('is removed when the download fails', async () => {
    const dataDir = freshDataDir();
    await expect(downloadCIFAR10(opts(dataDir, '/missing.tar.gz'))).rejects.toThrow(/HTTP 404/);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('refuses a negative lockWaitMs before touching the folder', async () => {
    const dataDir = path.join(root, 'never-made');
    await expect(downloadCIFAR10({ ...opts(dataDir), lockWaitMs: -1 })).rejects.toThrow(
      'downloadCIFAR10: lockWaitMs must be >= 0, got -1',
    );
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
