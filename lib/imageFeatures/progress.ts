/**
 * Progress reporting for `extractFeatures`: the course's "Done extracting features for 1000 /
 * 49000 images" lines (`verbose`), and a progress bar that updates in place in the notebook (a
 * display with an id) or on a terminal's stderr.
 */
import { progressLine, progressParts } from '../io/progress';
import { DisplayHandle, inKernel } from '../notebook/display';

/** The progress options `extractFeatures` takes. */
export interface ProgressOptions {
  verbose?: boolean;
  progress?: boolean | ((done: number, total: number) => void);
  title?: string;
}

/** Minimum time between two redraws of the bar, ms. */
const REDRAW_MS = 250;

/** The bar as text and as HTML, from the project's one progress formatter. */
function bar(title: string, done: number, total: number, seconds: number): [string, string] {
  const text =
    total > 0
      ? `${done} / ${total} images · ${progressLine(progressParts(done, total, seconds))}`
      : '0 images';
  return [
    `${title} ${text}`,
    `<div class="cs231n-progress"><b>${title}</b> <progress value="${done}" max="${total}" style="width:40%;vertical-align:middle"></progress> <code>${text}</code></div>`,
  ];
}

/**
 * A function to call with the number of images done so far (non-decreasing; the last call with
 * `total`). It prints, draws or forwards as `options` say.
 */
export function progressReporter(total: number, options: ProgressOptions): (done: number) => void {
  const { verbose = false, progress = true, title = 'Extracting features' } = options;
  const start = Date.now();
  let printed = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let draw: ((done: number, final: boolean) => void) | null = null;
  if (typeof progress === 'function') {
    draw = (done) => progress(done, total);
  } else if (progress === true && inKernel()) {
    const handle = new DisplayHandle();
    draw = (done) => {
      const [plain, html] = bar(title, done, total, (Date.now() - start) / 1000);
      handle.show({ 'text/html': html, 'text/plain': plain });
    };
  } else if (progress === true && process.stderr.isTTY === true) {
    draw = (done, final) => {
      const [plain] = bar(title, done, total, (Date.now() - start) / 1000);
      process.stderr.write(`\r${plain}${final ? '\n' : ''}`);
    };
  }
  return (done: number) => {
    if (verbose) {
      while (printed + 1000 <= done) {
        printed += 1000;
        console.log(`Done extracting features for ${printed} / ${total} images`);
      }
    }
    if (draw === null) return;
    const final = done >= total;
    const now = Date.now();
    if (!final && typeof progress !== 'function' && now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    draw(done, final);
  };
}
