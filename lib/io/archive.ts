/**
 * Extracting the CIFAR-10 archive (`cifar-10-binary.tar.gz`) with node-tar, under our own rules.
 *
 * node-tar reads the archive (gzip, ustar, pax and GNU long names, checksums, truncation) and
 * writes the files; we decide what may be written. The archive is read twice:
 *
 * 1. a listing pass that writes nothing and refuses the whole archive when any member has an
 *    absolute path or a `..` component, is anything but a regular file or a folder (symbolic and
 *    hard links to any path, GNU sparse files, FIFOs, devices, ...), is larger than the size
 *    bound, follows a long-name, long-link or pax header over `CIFAR10_MAX_HEADER_BYTES`, has an
 *    invalid header, or when an expected file is missing or appears twice;
 * 2. an extraction pass into a fresh temp folder beside the target that writes only the expected
 *    regular files (`cifar-10-batches-bin/<name>`, each within the size bound); every other member
 *    is skipped. The temp folder is renamed to the target only when it is complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { CIFAR10_FILES } from '../dataUtils';

/** The folder the archive holds, and the name of the extracted folder. */
export const CIFAR10_ARCHIVE_FOLDER = 'cifar-10-batches-bin';
/** The files extracted from the archive (all other members are skipped). */
export const CIFAR10_ARCHIVE_FILES: readonly string[] = [
  ...CIFAR10_FILES,
  'batches.meta.txt',
  'readme.html',
];
/** Largest member accepted: 64 MiB (a batch file is 30730000 bytes). */
export const CIFAR10_MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/** Options of `extractCIFAR10Archive`. */
export interface ExtractOptions {
  /** Largest member size accepted, in bytes. Default `CIFAR10_MAX_MEMBER_BYTES`. */
  maxMemberBytes?: number;
}

/**
 * Largest long-name, long-link or pax header accepted: 64 KiB (a CIFAR-10 member name is under 40
 * bytes; node-tar's own limit is 1 MiB, and it drops a larger header silently).
 */
export const CIFAR10_MAX_HEADER_BYTES = 64 * 1024;

const META_NAMES: Partial<Record<string, string>> = {
  NextFileHasLongPath: 'a GNU long-name header',
  OldGnuLongPath: 'a GNU long-name header',
  NextFileHasLongLinkpath: 'a GNU long-link header',
  ExtendedHeader: 'a pax header',
  OldExtendedHeader: 'a pax header',
  GlobalExtendedHeader: 'a global pax header',
};

const TYPE_NAMES: Partial<Record<string, string>> = {
  SparseFile: 'a GNU sparse file',
  Link: 'a hard link',
  SymbolicLink: 'a symbolic link',
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO',
  ContiguousFile: 'a contiguous file',
};

/** node-tar's types for a regular file and a folder. */
const FILE_TYPES = new Set(['File', 'OldFile']);
const FOLDER_TYPE = 'Directory';

/**
 * Extracts the eight CIFAR-10 files of the `.tar.gz` at `archive` into a temp folder in `dataDir`,
 * then renames it to `<dataDir>/cifar-10-batches-bin` (which must not exist yet).
 *
 * @param archive - path of a gzipped tar holding `cifar-10-batches-bin/` and its eight files
 * @param dataDir - existing folder that receives `cifar-10-batches-bin/`
 * @returns the path of the extracted folder
 * @throws Error `extractCIFAR10Archive: archive <path>: ...` (one line) naming the member when a
 *   member has an absolute path or a `..` component, is a symbolic link, hard link, GNU sparse file
 *   or any type but file/folder, exceeds the size bound, follows a header over
 *   `CIFAR10_MAX_HEADER_BYTES`, has an invalid header, or when an expected file is missing or
 *   duplicated, or the archive is corrupt or truncated; nothing is left in `dataDir`
 */
export async function extractCIFAR10Archive(
  archive: string,
  dataDir: string,
  options: ExtractOptions = {},
): Promise<string> {
  const fn = 'extractCIFAR10Archive';
  const maxBytes = options.maxMemberBytes ?? CIFAR10_MAX_MEMBER_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(
      `${fn}: maxMemberBytes must be a positive integer, got ${String(options.maxMemberBytes)}`,
    );
  }
  if (!isFolder(dataDir)) {
    throw new Error(`${fn}: dataDir ${dataDir} is not an existing folder`);
  }
  const context = `${fn}: archive ${archive}`;
  const target = path.join(dataDir, CIFAR10_ARCHIVE_FOLDER);
  try {
    await checkMembers(archive, maxBytes);
  } catch (err) {
    throw new Error(`${context}: ${messageOf(err)}`);
  }

  const temp = fs.mkdtempSync(path.join(dataDir, `.${CIFAR10_ARCHIVE_FOLDER}.extracting-`));
  const extracted = path.join(temp, CIFAR10_ARCHIVE_FOLDER);
  try {
    await tar.x({
      file: archive,
      cwd: temp,
      strict: true,
      maxMetaEntrySize: CIFAR10_MAX_HEADER_BYTES,
      preserveOwner: false,
      // Only the expected regular files, within the bound (the listing pass refused the rest).
      filter: (name, entry) =>
        'type' in entry &&
        FILE_TYPES.has(entry.type) &&
        entry.size <= maxBytes &&
        expectedFile(memberParts(name)) !== null,
    });
    for (const name of CIFAR10_ARCHIVE_FILES) {
      const file = path.join(extracted, name);
      if (!fs.lstatSync(file).isFile()) throw new Error(`${name} was not extracted as a file`);
      syncFile(file);
    }
    fs.chmodSync(extracted, 0o755);
    fs.renameSync(extracted, target);
  } catch (err) {
    throw new Error(`${context}: ${messageOf(err)}`);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return target;
}

/**
 * Lists the archive without writing anything; throws the first rule a member breaks, or names the
 * expected files it lacks.
 *
 * node-tar's Parser does the reading; three of its behaviours are turned into refusals here:
 * - a member it would pass over without showing (`ignoredEntry`: a GNU sparse member, another
 *   type it does not know, or a long-name, long-link or pax header larger than
 *   `maxMetaEntrySize`, which it drops so that the next member keeps its short name);
 * - a header it finds invalid (in strict mode an error carrying the header: a link without a
 *   target, a file with one, a checksum failure), named by member instead of its raw code;
 * - a GNU pax sparse member (format 1.0), whose header names it `GNUSparseFile.<n>/<name>`.
 */
async function checkMembers(archive: string, maxBytes: number): Promise<void> {
  let problem: string | null = null;
  const seen = new Set<string>();
  const note = (p: string | null): void => {
    if (problem === null) problem = p;
  };
  const parser = new tar.Parser({
    strict: true,
    maxMetaEntrySize: CIFAR10_MAX_HEADER_BYTES,
    onReadEntry: (entry) => {
      note(memberProblem(entry, maxBytes, seen));
      entry.resume();
    },
  });
  parser.on('ignoredEntry', (entry: tar.ReadEntry) => note(ignoredProblem(entry)));
  await new Promise<void>((resolve, reject) => {
    parser.on('error', (err: Error & { header?: tar.Header }) => reject(headerError(err)));
    parser.on('end', () => resolve());
    const input = fs.createReadStream(archive);
    input.on('error', reject);
    input.pipe(parser);
  });
  if (problem !== null) throw new Error(problem);
  const missing = CIFAR10_ARCHIVE_FILES.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    throw new Error(`lacks ${missing.map((f) => `${CIFAR10_ARCHIVE_FOLDER}/${f}`).join(', ')}`);
  }
}

/** Why a member node-tar passed over is refused. */
function ignoredProblem(entry: tar.ReadEntry): string {
  const quoted = JSON.stringify(entry.path);
  if (entry.meta) {
    const what = META_NAMES[entry.type] ?? `a ${entry.type} header`;
    return `member ${quoted} is preceded by ${what} of ${entry.size} bytes, more than the ${CIFAR10_MAX_HEADER_BYTES} allowed`;
  }
  const what = TYPE_NAMES[entry.type] ?? `of unsupported type ${entry.type}`;
  return `member ${quoted} is ${what}; only regular files and folders are extracted`;
}

/** node-tar's error about an invalid header, as one line naming the member. */
function headerError(err: Error & { header?: tar.Header }): Error {
  const header = err.header;
  if (header === undefined) return err;
  const quoted = JSON.stringify(header.path ?? '');
  const reason = err.message.replace(/^TAR_ENTRY_INVALID: /, '');
  if (reason === 'linkpath required' && header.type !== undefined) {
    const what = TYPE_NAMES[header.type] ?? header.type;
    return new Error(
      `member ${quoted} is ${what} without a target; only regular files and folders are extracted`,
    );
  }
  if (reason === 'linkpath forbidden') {
    return new Error(`member ${quoted} is a ${header.type} with a link target`);
  }
  return new Error(`member ${quoted} has an invalid header (${reason})`);
}

/** What is wrong with one member, or null; records the expected files in `seen`. */
function memberProblem(entry: tar.ReadEntry, maxBytes: number, seen: Set<string>): string | null {
  const name = entry.path;
  const quoted = JSON.stringify(name);
  if (name === '') return 'a member has an empty name';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    return `member ${quoted} has an absolute path`;
  }
  const parts = memberParts(name);
  if (parts.includes('..')) return `member ${quoted} has a ".." component`;
  if (parts.some((p) => /^GNUSparseFile\.\d+$/.test(p))) {
    return `member ${quoted} is a GNU sparse file; only regular files and folders are extracted`;
  }
  if (entry.type === FOLDER_TYPE) return null;
  if (!FILE_TYPES.has(entry.type)) {
    const what = TYPE_NAMES[entry.type] ?? `of unsupported type ${entry.type}`;
    const link = entry.linkpath ? ` (to ${JSON.stringify(entry.linkpath)})` : '';
    return `member ${quoted} is ${what}${link}; only regular files and folders are extracted`;
  }
  if (entry.size > maxBytes) {
    return `member ${quoted} has ${entry.size} bytes, more than the ${maxBytes} allowed`;
  }
  const file = expectedFile(parts);
  if (file !== null) {
    if (seen.has(file)) return `member ${quoted} appears twice`;
    seen.add(file);
  }
  return null;
}

/** The path components of a member name, without empty and `.` components. */
function memberParts(name: string): string[] {
  return name.split(/[/\\]/).filter((p) => p !== '' && p !== '.');
}

/** The expected file a member's components name (`cifar-10-batches-bin/<file>`), or null. */
function expectedFile(parts: string[]): string | null {
  return parts.length === 2 &&
    parts[0] === CIFAR10_ARCHIVE_FOLDER &&
    CIFAR10_ARCHIVE_FILES.includes(parts[1])
    ? parts[1]
    : null;
}

/** Flushes a written file to disk before the folder is renamed into place. */
function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
