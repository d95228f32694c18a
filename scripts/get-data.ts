/**
 * `npm run get-data`: downloads CIFAR-10 (binary version) into data/cifar-10-batches-bin, unless it
 * is already there. Env CIFAR10_URL overrides the download address (a mirror of the same file).
 * Errors are printed as one line, with exit code 1.
 */
import { downloadCIFAR10 } from '../lib/io/download';

async function main(): Promise<void> {
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
