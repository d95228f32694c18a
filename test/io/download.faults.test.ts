import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_MAX_MEMBER_BYTES, extractCIFAR10Archive } from '../../lib/io/archive';
import { type DownloadCIFAR10Options, downloadCIFAR10 } from '../../lib/io/download';
import { ARCHIVE_FILES, makeTempDir, smallArchiveEntries, tarGz } from '../helpers/cifarFixture';

const good = tarGz(smallArchiveEntries(50));
/** A small archive that would expand past the default per-member bound (zeros compress well). */
const bombMember = Buffer.alloc(CIFAR10_MAX_MEMBER_BYTES + 1);
const bombs = {
  'an unexpected member': tarGz([
    ...smallArchiveEntries(50),
    { name: 'cifar-10-batches-bin/extra.bin', data: bombMember },
  ]),
  'an expected file': tarGz(
    smallArchiveEntries(50).map((e) =>
      e.name.endsWith('data_batch_3.bin') ? { ...e, data: bombMember } : e,
    ),
  ),
};
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let server: http.Server;
let base: string;
let root: string;
beforeAll(async () => {
  root = makeTempDir('cifar-download-faults-');
  const served: { [url: string]: Buffer } = {
    '/good.tar.gz': good,
    '/bomb.tar.gz': bombs['an unexpected member'],
  };
  server = http.createServer((req, res) => {
    const body = served[req.url ?? ''];
    if (body === undefined) res.writeHead(404, 'Not Found').end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

let count = 0;
function freshDir(): string {
  const dir = path.join(root, `d-${++count}`);
  fs.mkdirSync(dir);
  return dir;
}
function opts(dataDir: string, url = '/good.tar.gz', archive = good): DownloadCIFAR10Options {
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
const partialIn = (dataDir: string) => path.join(dataDir, 'cifar-10-binary.tar.gz.partial');

describe('a pre-existing .partial download file is never written through', () => {
  it('a symbolic link to another file: the link is replaced, its target untouched', async () => {
    const dataDir = freshDir();
    const victim = path.join(root, `victim-${count}.txt`);
    fs.writeFileSync(victim, 'precious');
    fs.symlinkSync(victim, partialIn(dataDir));
    const { dir } = await downloadCIFAR10(opts(dataDir));
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.readdirSync(dir).sort()).toEqual([...ARCHIVE_FILES].sort());
    expect(fs.readdirSync(dataDir)).toEqual(['cifar-10-batches-bin']);
  });

  it('a symbolic link and a failing download: target untouched, the link removed', async () => {
    const dataDir = freshDir();
    const victim = path.join(root, `victim-${count}.txt`);
    fs.writeFileSync(victim, 'precious');
    fs.symlinkSync(victim, partialIn(dataDir));
    await expect(downloadCIFAR10(opts(dataDir, '/missing.tar.gz'))).rejects.toThrow(/HTTP 404/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('a dangling symbolic link: nothing is created at its target', async () => {
    const dataDir = freshDir();
    const target = path.join(root, `created-${count}.bin`);
    fs.symlinkSync(target, partialIn(dataDir));
    await downloadCIFAR10(opts(dataDir));
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a stale partial file is replaced; a folder in its place is named and left alone', async () => {
    const stale = freshDir();
    fs.writeFileSync(partialIn(stale), 'half a download');
    await downloadCIFAR10(opts(stale));
    expect(fs.readdirSync(stale)).toEqual(['cifar-10-batches-bin']);

    const folder = freshDir();
    fs.mkdirSync(partialIn(folder));
    fs.writeFileSync(path.join(partialIn(folder), 'keep'), 'x');
    await expect(downloadCIFAR10(opts(folder))).rejects.toThrow(
      /^downloadCIFAR10: could not download .*: .*\.partial is a folder; remove it and run again/,
    );
    expect(fs.readFileSync(path.join(partialIn(folder), 'keep'), 'utf8')).toBe('x');
  });
});

describe('dataDir that cannot be a folder is named', () => {
  it('dataDir a regular file', async () => {
    const file = path.join(freshDir(), 'not-a-folder');
    fs.writeFileSync(file, 'data');
    await expect(downloadCIFAR10(opts(file))).rejects.toThrow(
      `downloadCIFAR10: dataDir ${file} is not a folder; give a folder (or a new path)`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('data');
  });

  it('dataDir under a regular file', async () => {
    const file = path.join(freshDir(), 'file');
    fs.writeFileSync(file, 'data');
    const dataDir = path.join(file, 'sub');
    await expect(downloadCIFAR10(opts(dataDir))).rejects.toThrow(
      `downloadCIFAR10: cannot create dataDir ${dataDir} (ENOTDIR)`,
    );
  });

  it('a missing dataDir is created (a control)', async () => {
    const dataDir = path.join(freshDir(), 'new', 'data');
    await downloadCIFAR10(opts(dataDir));
    expect(fs.readdirSync(dataDir)).toEqual(['cifar-10-batches-bin']);
  });

  it('extractCIFAR10Archive names a dataDir that is a file or missing', async () => {
    const dir = freshDir();
    const archive = path.join(dir, 'a.tar.gz');
    fs.writeFileSync(archive, good);
    for (const dataDir of [archive, path.join(dir, 'missing')]) {
      await expect(extractCIFAR10Archive(archive, dataDir)).rejects.toThrow(
        `extractCIFAR10Archive: dataDir ${dataDir} is not an existing folder`,
      );
    }
    expect(fs.readdirSync(dir)).toEqual(['a.tar.gz']);
  });
});

describe('extracting directly: the default per-member bound refuses a small archive that expands a lot', () => {
  for (const [what, bomb] of Object.entries(bombs)) {
    it(`${what} one byte over the bound`, async () => {
      expect(bomb.length).toBeLessThan(CIFAR10_MAX_MEMBER_BYTES / 100);
      const dataDir = freshDir();
      const archive = path.join(dataDir, 'bomb.tar.gz');
      fs.writeFileSync(archive, bomb);
      await expect(extractCIFAR10Archive(archive, dataDir)).rejects.toThrow(
        `has ${CIFAR10_MAX_MEMBER_BYTES + 1} bytes, more than the ${CIFAR10_MAX_MEMBER_BYTES} allowed`,
      );
      expect(fs.readdirSync(dataDir)).toEqual(['bomb.tar.gz']);
    });
  }

  it('and through downloadCIFAR10, keeping nothing', async () => {
    const dataDir = freshDir();
    const bomb = bombs['an unexpected member'];
    await expect(downloadCIFAR10(opts(dataDir, '/bomb.tar.gz', bomb))).rejects.toThrow(
      /extractCIFAR10Archive: archive .*: member "cifar-10-batches-bin\/extra\.bin" has \d+ bytes, more than/,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
