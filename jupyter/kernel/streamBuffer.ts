/**
 * The stream side of one execute request (stdout and stderr text on its way to iopub).
 *
 * tslab sent one message per console.log; a client handles a few thousand a second, so 20,000
 * lines kept nbconvert and JupyterLab busy long after the cell. Here text is gathered and sent at
 * most every FLUSH_MS (checked on each write, so a long synchronous cell still shows its progress),
 * before any display message (the caller flushes first, so the order is kept), and when the cell
 * ends, before its reply. A cell printing more than HEAD_LINES + TAIL_LINES lines shows its first
 * HEAD_LINES and last TAIL_LINES, with a line between them saying how many are not shown.
 */

export const FLUSH_MS = 100;
const MAX_BUFFER_CHARS = 256 * 1024;
/** Lines of a cell's stream output shown from its start, and from its end, when it is longer. */
export const HEAD_LINES = 50_000;
export const TAIL_LINES = 1_000;

export interface StreamBuffer {
  /** Queues `text` for stream `name` ('stdout' or 'stderr'). */
  write(name: string, text: string): void;
  /** Sends what is queued now (before a display message). */
  flush(): void;
  /** At the end of the cell (and for output that comes later): everything pending goes out. */
  end(): void;
}

/**
 * A buffer that calls `send` with few, large, ordered pieces of text.
 * @param send publishes one stream message
 * @param now the clock (milliseconds), replaceable in tests
 */
export function createStreamBuffer(
  send: (name: string, text: string) => void,
  now: () => number = Date.now,
): StreamBuffer {
  /** [name, text] runs in order. */
  let pending: [string, string][] = [];
  let pendingChars = 0;
  let lastFlush = now();
  let timer: NodeJS.Timeout | null = null;
  let tailTimer: NodeJS.Timeout | null = null;
  /** Lines sent or pending. */
  let shown = 0;
  /** Past the head: the latest lines as [name, line] (a line without '\n' is unfinished). */
  let tail: [string, string][] = [];
  let dropped = 0;

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const runs = pending;
    pending = [];
    pendingChars = 0;
    lastFlush = now();
    for (const [name, text] of runs) send(name, text);
  }

  function queue(name: string, text: string): void {
    const last = pending[pending.length - 1];
    if (last && last[0] === name) last[1] += text;
    else pending.push([name, text]);
    pendingChars += text.length;
  }

  function keepInTail(name: string, text: string): void {
    for (const piece of text.split(/(?<=\n)/)) {
      const last = tail[tail.length - 1];
      if (last && last[0] === name && !last[1].endsWith('\n')) last[1] += piece;
      else tail.push([name, piece]);
    }
    if (tail.length > 2 * TAIL_LINES) {
      dropped += tail.length - TAIL_LINES;
      tail = tail.slice(-TAIL_LINES);
    }
  }

  function write(name: string, text: string): void {
    if (shown < HEAD_LINES) {
      const room = HEAD_LINES - shown;
      const n = countLines(text);
      const head = n <= room ? text : text.slice(0, nthNewline(text, room) + 1);
      shown += Math.min(n, room);
      queue(name, head);
      if (head.length < text.length) keepInTail(name, text.slice(head.length));
    } else {
      keepInTail(name, text);
    }
    // Output that comes after the cell ended (callbacks) is shortened the same way, then sent.
    if (tail.length > 0 && !tailTimer) tailTimer = setTimeout(end, 5 * FLUSH_MS);
    if (pendingChars >= MAX_BUFFER_CHARS || now() - lastFlush >= FLUSH_MS) flush();
    else if (!timer) timer = setTimeout(flush, FLUSH_MS);
  }

  function end(): void {
    if (tailTimer) {
      clearTimeout(tailTimer);
      tailTimer = null;
    }
    if (tail.length > TAIL_LINES) {
      dropped += tail.length - TAIL_LINES;
      tail = tail.slice(-TAIL_LINES);
    }
    if (dropped > 0) {
      const fmt = (n: number) => n.toLocaleString('en-US');
      queue(
        'stdout',
        `... ${fmt(dropped)} lines not shown (the cell printed ${fmt(shown + dropped + tail.length)} lines: the first ${fmt(shown)} are above, the last ${fmt(tail.length)} below)\n`,
      );
    }
    for (const [name, text] of tail) queue(name, text);
    tail = [];
    dropped = 0;
    flush();
  }

  return { write, flush, end };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function nthNewline(text: string, n: number): number {
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf('\n', i + 1);
  return i;
}
