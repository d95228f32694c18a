import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCIFAR10Dir } from '../../lib/dataUtils';
import { extractCIFAR10Archive } from '../../lib/io/archive';
import {
  type DownloadCIFAR10Options,
  defaultDataDir,
  downloadCIFAR10,
  stderrProgressBar,
} from '../../lib/io/download';
import {
  ARCHIVE_FILES,
  BATCH_FILES,
  batchFileBytes,
  makeTempDir,
  smallArchiveEntries,
  type TarEntry,
  tarGz,
} from '../helpers/cifarFixture';

const RECORDS = 200;
const good = tarGz(smallArchiveEntries(RECORDS));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Archives served by path; `hits` counts requests per path. */
const archives = new Map<string, Buffer>();
const hits = new Map<string, number>();
let server: http.Server;
let base: string;
let root: string;

beforeAll(async () => {
  root = makeTempDir('cifar-download-test-');
  archives.set('/cifar.tar.gz', good);
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const n = (hits.get(url) ?? 0) + 1;
    hits.set(url, n);
    if (url === '/redirect') {
      res.writeHead(302, { location: '/cifar.tar.gz' }).end();
    } else if (url === '/loop') {
      res.writeHead(301, { location: '/loop' }).end();
    } else if (url === '/cut-once.tar.gz' && n === 1) {
      // Announce the whole archive, send half of it, then cut the connection.
      res.writeHead(200, { 'content-length': good.length });
      res.write(good.subarray(0, Math.floor(good.length / 2)), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
    } else if (url === '/stall.tar.gz') {
      // Send a little, then nothing more (the client's idle timeout must end it).
      res.writeHead(200, { 'content-length': good.length });
      res.write(good.subarray(0, 1000));
    } else if (url === '/cut-once.tar.gz' || archives.has(url)) {
      const body = archives.get(url) ?? good;
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } else {
      res.writeHead(404, 'Not Found').end('no such file');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

let dirCount = 0;
function freshDataDir(): string {
  const dir = path.join(root, `data-${++dirCount}`);
  fs.mkdirSync(dir);
  return dir;
}

/** Options for a quiet download of `url` from the test server, expecting `archive`. */
function opts(dataDir: string, url: string, archive = good): DownloadCIFAR10Options {
  return {
    dataDir,
    url: `${base}${url}`,
    md5: md5(archive),
    size: archive.length,
    progress: false,
    log: () => {},
    idleTimeoutMs: 5000,
  };
}

/** Checks the extracted folder holds exactly the archive's eight files with the right bytes. */
function expectExtracted(dataDir: string): void {
  const dir = path.join(dataDir, 'cifar-10-batches-bin');
  expect(fs.readdirSync(dir).sort()).toEqual([...ARCHIVE_FILES].sort());
  BATCH_FILES.forEach((name, f) => {
    expect(fs.readFileSync(path.join(dir, name)).equals(batchFileBytes(f, RECORDS))).toBe(true);
  });
  expect(fs.readFileSync(path.join(dir, 'batches.meta.txt'), 'utf8')).toMatch(/^airplane\n/);
}

describe('downloadCIFAR10 against a local HTTP server', () => {
  it('downloads, verifies and extracts; a second call does nothing', async () => {
    const dataDir = freshDataDir();
    const seen: Array<[number, number]> = [];
    const result = await downloadCIFAR10({
      ...opts(dataDir, '/redirect'),
      progress: (received, total) => seen.push([received, total]),
    });
    expect(result).toEqual({ dir: path.join(dataDir, 'cifar-10-batches-bin'), changed: true });
    expectExtracted(dataDir);
    // The archive and every temp file are gone: only the dataset folder is left.
    expect(fs.readdirSync(dataDir)).toEqual(['cifar-10-batches-bin']);
    expect(seen.at(-1)).toEqual([good.length, good.length]);
    // Readable like any folder (not the 0700 of the temp folder it was extracted into).
    expect(fs.statSync(result.dir).mode & 0o777).toBe(0o755);

    const before = hits.get('/cifar.tar.gz');
    const again = await downloadCIFAR10(opts(dataDir, '/redirect'));
    expect(again.changed).toBe(false);
    expect(hits.get('/cifar.tar.gz')).toBe(before);
  });

  it('rejects a wrong checksum and leaves nothing behind', async () => {
    const dataDir = freshDataDir();
    const wrong = { ...opts(dataDir, '/cifar.tar.gz'), md5: '0123456789abcdef0123456789abcdef' };
    await expect(downloadCIFAR10(wrong)).rejects.toThrow(
      `downloadCIFAR10: could not download ${base}/cifar.tar.gz: MD5 mismatch: got ${md5(good)}, expected 0123456789abcdef0123456789abcdef`,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('rejects a size the server does not announce', async () => {
    const dataDir = freshDataDir();
    const wrong = { ...opts(dataDir, '/cifar.tar.gz'), size: good.length + 1 };
    await expect(downloadCIFAR10(wrong)).rejects.toThrow(
      `the server announces ${good.length} bytes, expected ${good.length + 1}`,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('a connection cut midway leaves no file; a retry succeeds', async () => {
    const dataDir = freshDataDir();
    await expect(downloadCIFAR10(opts(dataDir, '/cut-once.tar.gz'))).rejects.toThrow(
      new RegExp(
        `could not download ${base}/cut-once.tar.gz: the connection broke after \\d+ of ${good.length} bytes`,
      ),
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
    const result = await downloadCIFAR10(opts(dataDir, '/cut-once.tar.gz'));
    expect(result.changed).toBe(true);
    expectExtracted(dataDir);
    expect(hits.get('/cut-once.tar.gz')).toBe(2);
  });

  it('gives up on a stalled server after the idle timeout, leaving nothing behind', async () => {
    const dataDir = freshDataDir();
    await expect(
      downloadCIFAR10({ ...opts(dataDir, '/stall.tar.gz'), idleTimeoutMs: 300 }),
    ).rejects.toThrow(
      `the connection broke after 1000 of ${good.length} bytes (no data from the server for 0.3 s)`,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('reports a 404 in one line and leaves nothing behind', async () => {
    const dataDir = freshDataDir();
    const err = await downloadCIFAR10(opts(dataDir, '/missing.tar.gz')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^downloadCIFAR10: could not download ${base}/missing.tar.gz: HTTP 404 Not Found\\.`,
      ),
    );
    expect((err as Error).message).not.toContain('\n');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('stops after 5 redirects', async () => {
    const dataDir = freshDataDir();
    await expect(downloadCIFAR10(opts(dataDir, '/loop'))).rejects.toThrow(/more than 5 redirects/);
    expect(hits.get('/loop')).toBe(6);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('uses a verified archive already in the data folder without downloading', async () => {
    const dataDir = freshDataDir();
    fs.writeFileSync(path.join(dataDir, 'cifar-10-binary.tar.gz'), good);
    const result = await downloadCIFAR10(opts(dataDir, '/missing-too.tar.gz'));
    expect(result.changed).toBe(true);
    expect(hits.get('/missing-too.tar.gz')).toBeUndefined();
    expectExtracted(dataDir);
  });

  it('refuses to touch an existing but incomplete dataset folder', async () => {
    const dataDir = freshDataDir();
    const dir = path.join(dataDir, 'cifar-10-batches-bin');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'data_batch_1.bin'), 'x');
    await expect(downloadCIFAR10(opts(dataDir, '/cifar.tar.gz'))).rejects.toThrow(
      `downloadCIFAR10: ${dir} exists but is incomplete (lacks data_batch_2.bin, data_batch_3.bin, ` +
        'data_batch_4.bin, data_batch_5.bin, test_batch.bin, batches.meta.txt, readme.html); ' +
        'remove it and run again',
    );
    expect(fs.readdirSync(dir)).toEqual(['data_batch_1.bin']);
  });
});

describe('unsafe archives are refused with nothing written', () => {
  const goodEntries = smallArchiveEntries(RECORDS);
  const cases: Array<[string, TarEntry, string]> = [
    [
      'a ".." member',
      { name: '../evil', data: Buffer.from('pwned') },
      'member "../evil" has a ".." component',
    ],
    [
      'a ".." inside the folder',
      { name: 'cifar-10-batches-bin/../../evil', data: Buffer.from('pwned') },
      'member "cifar-10-batches-bin/../../evil" has a ".." component',
    ],
    [
      'an absolute path',
      { name: '/tmp/cifar-abs-evil', data: Buffer.from('pwned') },
      'member "/tmp/cifar-abs-evil" has an absolute path',
    ],
    [
      'a symbolic link',
      { name: 'cifar-10-batches-bin/evil-link', type: 'SymbolicLink', linkname: '/etc/passwd' },
      'member "cifar-10-batches-bin/evil-link" is a symbolic link (to "/etc/passwd"); only regular files and folders are extracted',
    ],
    [
      'a hard link',
      { name: 'cifar-10-batches-bin/readme.html', type: 'Link', linkname: '/etc/passwd' },
      'member "cifar-10-batches-bin/readme.html" is a hard link (to "/etc/passwd")',
    ],
    [
      'a FIFO',
      { name: 'cifar-10-batches-bin/fifo', type: 'FIFO' },
      'member "cifar-10-batches-bin/fifo" is a FIFO',
    ],
  ];
  for (const [what, evil, message] of cases) {
    it(`refuses ${what}`, async () => {
      // The bad member comes after four good files, so extraction has started when it is met.
      const archive = tarGz([...goodEntries.slice(0, 5), evil, ...goodEntries.slice(5)]);
      const name = `/evil-${what.replace(/\W+/g, '-')}.tar.gz`;
      archives.set(name, archive);
      const dataDir = freshDataDir();
      await expect(downloadCIFAR10(opts(dataDir, name, archive))).rejects.toThrow(
        `extractCIFAR10Archive: archive ${path.join(dataDir, 'cifar-10-binary.tar.gz')}: ${message}`,
      );
      // No dataset folder, no temp folder, no archive; nothing written outside.
      expect(fs.readdirSync(dataDir)).toEqual([]);
      expect(fs.existsSync(path.join(root, 'evil'))).toBe(false);
      expect(fs.existsSync('/tmp/cifar-abs-evil')).toBe(false);
    });
  }

  it('refuses an archive that lacks an expected file', async () => {
    const archive = tarGz(goodEntries.filter((e) => !e.name.endsWith('test_batch.bin')));
    archives.set('/lacking.tar.gz', archive);
    const dataDir = freshDataDir();
    await expect(downloadCIFAR10(opts(dataDir, '/lacking.tar.gz', archive))).rejects.toThrow(
      /: lacks cifar-10-batches-bin\/test_batch.bin$/,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('skips unexpected regular files', async () => {
    const extra = { name: 'cifar-10-batches-bin/notes.txt', data: Buffer.from('extra') };
    const archive = tarGz([...goodEntries, extra]);
    archives.set('/extra.tar.gz', archive);
    const dataDir = freshDataDir();
    await downloadCIFAR10(opts(dataDir, '/extra.tar.gz', archive));
    expectExtracted(dataDir);
  });
});

describe('extractCIFAR10Archive on a local archive', () => {
  /** Writes `entries` as an archive in a fresh data folder; returns [archive path, data folder]. */
  function archiveIn(entries: TarEntry[]): [string, string] {
    const dataDir = freshDataDir();
    const file = path.join(dataDir, 'in.tar.gz');
    fs.writeFileSync(file, tarGz(entries));
    return [file, dataDir];
  }
  const goodEntries = smallArchiveEntries(RECORDS);

  it('refuses a member larger than the size bound, writing nothing', async () => {
    const [file, dataDir] = archiveIn(goodEntries);
    const bytes = batchFileBytes(0, RECORDS).length;
    await expect(
      extractCIFAR10Archive(file, dataDir, { maxMemberBytes: bytes - 1 }),
    ).rejects.toThrow(
      `extractCIFAR10Archive: archive ${file}: member "cifar-10-batches-bin/data_batch_1.bin" has ${bytes} bytes, more than the ${bytes - 1} allowed`,
    );
    expect(fs.readdirSync(dataDir)).toEqual(['in.tar.gz']);
    // At the bound it is accepted.
    await extractCIFAR10Archive(file, dataDir, { maxMemberBytes: bytes });
    expectExtracted(dataDir);
  });

  it('refuses an expected file that appears twice', async () => {
    const [file, dataDir] = archiveIn([...goodEntries, goodEntries[3]]);
    await expect(extractCIFAR10Archive(file, dataDir)).rejects.toThrow(
      `member "cifar-10-batches-bin/data_batch_3.bin" appears twice`,
    );
    expect(fs.readdirSync(dataDir)).toEqual(['in.tar.gz']);
  });

  it('refuses a truncated archive and a corrupt header', async () => {
    const [file, dataDir] = archiveIn(goodEntries);
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 100));
    await expect(extractCIFAR10Archive(file, dataDir)).rejects.toThrow(
      `extractCIFAR10Archive: archive ${file}: `,
    );
    expect(fs.readdirSync(dataDir)).toEqual(['in.tar.gz']);
    const tarBytes = zlib.gunzipSync(whole);
    tarBytes[600] ^= 0xff; // inside the second header
    fs.writeFileSync(file, zlib.gzipSync(tarBytes));
    await expect(extractCIFAR10Archive(file, dataDir)).rejects.toThrow(/checksum/);
    expect(fs.readdirSync(dataDir)).toEqual(['in.tar.gz']);
  });

  it('refuses a bad size bound', async () => {
    await expect(extractCIFAR10Archive('x', root, { maxMemberBytes: 0 })).rejects.toThrow(
      'extractCIFAR10Archive: maxMemberBytes must be a positive integer, got 0',
    );
  });
});

it('the default data folder is data/ at the repository root', () => {
  expect(path.join(defaultDataDir(), 'cifar-10-batches-bin')).toBe(defaultCIFAR10Dir());
});

function hasTar(): boolean {
  return spawnSync('tar', ['--version']).status === 0;
}

describe.skipIf(!hasTar())(
  'archives written by the system tar (skipped when tar is missing)',
  () => {
    for (const format of ['gnu', 'pax', 'ustar']) {
      it(`extracts a --format=${format} archive`, async () => {
        const src = path.join(root, `src-${format}`);
        const folder = path.join(src, 'cifar-10-batches-bin');
        fs.mkdirSync(folder, { recursive: true });
        for (const e of smallArchiveEntries(RECORDS)) {
          if (e.data) fs.writeFileSync(path.join(src, e.name), e.data);
        }
        const file = path.join(root, `system-${format}.tar.gz`);
        execFileSync('tar', [
          `--format=${format}`,
          '-czf',
          file,
          '-C',
          src,
          'cifar-10-batches-bin',
        ]);
        const archive = fs.readFileSync(file);
        archives.set(`/system-${format}.tar.gz`, archive);
        const dataDir = freshDataDir();
        await downloadCIFAR10(opts(dataDir, `/system-${format}.tar.gz`, archive));
        expectExtracted(dataDir);
      });
    }
  },
);

describe('stderrProgressBar', () => {
  it('writes one plain line at the start and one at the end when not a TTY', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as never;
    const report = stderrProgressBar(stream);
    for (let r = 0; r <= 10; r++) report(r * 1e6, 10e6);
    expect(lines.length).toBe(2);
    expect(lines[0]).toBe('  receiving 10.0 MB ...\n');
    expect(lines[1]).toMatch(/^ {2}received 10.0 MB in \d+\.\d s\n$/);
  });

  it('draws a bar in place on a TTY and ends the line when done', () => {
    const out: string[] = [];
    const stream = { isTTY: true, write: (s: string) => out.push(s) } as never;
    const report = stderrProgressBar(stream);
    report(0, 4e6);
    report(4e6, 4e6);
    expect(out[0]).toMatch(/^\r {2}\[-{30}\] {3}0% 0\.0\/4\.0 MB/);
    expect(out[1]).toMatch(/^\r {2}\[#{30}\] 100% 4\.0\/4\.0 MB/);
    expect(out.at(-1)).toBe('\n');
  });
});

describe('npm run get-data -- --help', () => {
  it('prints the usage and exits 0 without downloading', () => {
    const r = spawnSync('npm', ['run', '-s', 'get-data', '--', '--help'], {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run get-data/);
    expect(r.stdout).toContain('cifar-10-binary.tar.gz');
    expect(r.stderr).toBe('');
  }, 60_000);

  it('names an unknown option and exits 1', () => {
    const tsx = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const r = spawnSync(
      tsx,
      [path.resolve(__dirname, '..', '..', 'scripts', 'get-data.ts'), '--bogus'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^get-data: Unknown option '--bogus'/);
  }, 60_000);
});

describe.skipIf(fs.existsSync(defaultCIFAR10Dir()))(
  'npm run get-data (skipped when data/cifar-10-batches-bin exists)',
  () => {
    it('fails in one line, without a stack trace, when the download fails', async () => {
      const tsx = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
      const script = path.resolve(__dirname, '..', '..', 'scripts', 'get-data.ts');
      // Asynchronous: the test server answers from this process.
      const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(tsx, [script], {
          env: { ...process.env, CIFAR10_URL: `${base}/not-here.tar.gz` },
          stdio: ['ignore', 'ignore', 'pipe'],
          timeout: 60_000,
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('close', (status) => resolve({ status, stderr }));
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^get-data: downloadCIFAR10: could not download ${base}/not-here.tar.gz: HTTP 404 Not Found\\.[^\\n]*\\n$`,
        ),
      );
    }, 60_000);
  },
);
