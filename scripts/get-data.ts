/**
 * `npm run get-data`: downloads CIFAR-10 (binary version) into data/cifar-10-batches-bin, unless it
 * is already there. Env CIFAR10_URL overrides the download address (a mirror of the same file).
 * Errors are printed as one line, with exit code 1.
 */
import { parseArgs } from 'node:util';
import {
  CIFAR10_ARCHIVE_BYTES,
  CIFAR10_URL,
  defaultDataDir,
  downloadCIFAR10,
} from '../lib/io/download';

const USAGE = [
  'usage: npm run get-data [-- --help]',
  `  Downloads ${CIFAR10_URL} (${(CIFAR10_ARCHIVE_BYTES / 1e6).toFixed(0)} MB), checks its size and MD5`,
  `  and extracts it into ${defaultDataDir()}/cifar-10-batches-bin; does nothing when that folder`,
  '  is already complete. A verified cifar-10-binary.tar.gz already in that data folder is used',
  '  instead of downloading.',
  '  env CIFAR10_URL  another address of the same archive (a mirror)',
].join('\n');

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const url = process.env.CIFAR10_URL || undefined;
  const { dir, changed } = await downloadCIFAR10({ url });
  if (!changed) process.stderr.write(`CIFAR-10 is already in ${dir}; nothing to do.\n`);
  if (process.env.CIFAR10_DIR) {
    process.stderr.write(
      `Note: CIFAR10_DIR is set (${process.env.CIFAR10_DIR}); getCIFAR10Data() reads from there.\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`get-data: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
