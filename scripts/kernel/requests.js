/**
 * How the kernel handles an execute request (tslab's ZmqServer.handleExecute and
 * JupyterHandlerImpl.handleExecute, replaced).
 *
 * - Nothing is dropped. iopub is a PUB socket: past its high-water mark (1000 messages by default)
 *   PUB drops messages, and while a cell runs synchronously nothing drains the socket, so a cell
 *   printing 20,000 lines lost its last lines and sometimes the idle status after them (the
 *   notebook stayed busy). iopub gets no high-water mark, and sends at once (sendTimeout 0: zeromq
 *   6 otherwise defers a send after 512 synchronous ones and the next throws "Socket is busy
 *   writing" inside console.log).
 * - Few messages. tslab sent one message per console.log; a client handles a few thousand a second,
 *   so 20,000 lines kept nbconvert and JupyterLab busy long after the cell. Stream text is gathered
 *   and sent at most every FLUSH_MS (checked on each write, so a long synchronous cell still shows
 *   its progress), before any display message (order kept), and when the cell ends, before its
 *   reply. A cell printing more than 51,000 lines shows its first 50,000 and last 1,000, with a
 *   line between them saying how many are not shown.
 * - Errors abort the queued requests only when the request asks for it (stop_on_error, true unless
 *   the client allows errors): tslab always aborted them, so nbconvert skipped every cell after a
 *   cell tagged raises-exception. As in tslab, the requests that arrive within 200 ms of the
 *   failure are aborted (those sent before the client knew, as "Run All" sends them), but not a
 *   request whose header says it was sent after the failure: tslab aborted that one too, so a cell
 *   run again at once after an error in JupyterLab (stop_on_error true) showed no output at all.
 * - Execution counts. Each request publishes execute_input with its count when it starts running,
 *   as Jupyter's protocol asks, so clients and nbconvert record In [1], In [2], ...
 */

const FLUSH_MS = 100;
/** After a failed cell (stop_on_error), requests sent before it failed are aborted this long. */
const ABORT_WINDOW_MS = 200;
const MAX_BUFFER_CHARS = 256 * 1024;
/** Lines of a cell's stream output shown from its start, and from its end, when it is longer. */
const HEAD_LINES = 50_000;
const TAIL_LINES = 1_000;

/** Makes zeromq's Publisher unbounded and immediate (call before tslab creates its sockets). */
function unboundedPublisher(zmq) {
  const Publisher = zmq.Publisher;
  zmq.Publisher = class UnboundedPublisher extends Publisher {
    constructor(options) {
      super({ ...options, sendHighWaterMark: 0, sendTimeout: 0 });
    }
  };
}

/**
 * The stream side of one execute request: buffered, in order, and past HEAD_LINES + TAIL_LINES
 * lines shortened to its first HEAD_LINES and last TAIL_LINES lines with a line saying how many
 * are not shown between them.
 * @param {(name: string, text: string) => void} send publishes one stream message
 */
function createStreamBuffer(send, now = Date.now) {
  let pending = []; // [name, text] runs in order
  let pendingChars = 0;
  let lastFlush = now();
  let timer = null;
  let tailTimer = null;
  let shown = 0; // lines sent or pending
  /** Past the head: the latest lines as [name, line] (a line without '\n' is unfinished). */
  let tail = [];
  let dropped = 0;

  function flush() {
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

  function queue(name, text) {
    const last = pending[pending.length - 1];
    if (last && last[0] === name) last[1] += text;
    else pending.push([name, text]);
    pendingChars += text.length;
  }

  function keepInTail(name, text) {
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

  function write(name, text) {
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

  /** At the end of the cell (and for output that comes later): everything pending goes out. */
  function end() {
    if (tailTimer) {
      clearTimeout(tailTimer);
      tailTimer = null;
    }
    if (tail.length > TAIL_LINES) {
      dropped += tail.length - TAIL_LINES;
      tail = tail.slice(-TAIL_LINES);
    }
    if (dropped > 0) {
      const fmt = (n) => n.toLocaleString('en-US');
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

function countLines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function nthNewline(text, n) {
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf('\n', i + 1);
  return i;
}

/** Replaces tslab's ZmqServer.handleExecute and numbers requests as they start (see above). */
function installExecute(jupyter) {
  jupyter.ZmqServer.prototype.handleExecute = async function handleExecute(sock, msg) {
    const publish = (type, content) => {
      const m = msg.createReply();
      m.header.msg_type = type;
      m.content = content;
      m.signAndSend(this.connInfo.key, this.iopub);
    };
    const stream = createStreamBuffer((name, text) => publish('stream', { name, text }));
    const writeDisplayData = (data, update) => {
      stream.flush();
      publish(update ? 'update_display_data' : 'display_data', data);
    };
    // When the client sent the request (its clock; NaN when the header has no date).
    Object.defineProperty(msg.content, 'sentAt', {
      enumerable: false,
      value: Date.parse(msg.header?.date ?? ''),
    });
    Object.defineProperty(msg.content, 'publishInput', {
      enumerable: false,
      value: (count) =>
        publish('execute_input', { code: msg.content.code, execution_count: count }),
    });
    let content;
    try {
      content = await this.handler.handleExecute(msg.content, stream.write, writeDisplayData);
    } finally {
      stream.end();
    }
    const reply = msg.createReply();
    reply.header.msg_type = 'execute_reply';
    reply.content = content;
    reply.signAndSend(this.connInfo.key, sock);
  };

  const { TaskCanceledError } = require(
    require.resolve('tslab/dist/util.js', { paths: [__dirname] }),
  );
  jupyter.JupyterHandlerImpl.prototype.handleExecute = async function handleExecute(req, ...rest) {
    let status = 'ok';
    let count;
    // Sent after the failure that is aborting requests: the client knew of it, so this one runs.
    if (this.aborting && req.sentAt > this.aborting.failedAt) {
      this.aborting = null;
      this.execQueue.reset();
    }
    try {
      count = await this.execQueue.add(() => this.handleExecuteImpl(req, ...rest));
    } catch (e) {
      if (e instanceof TaskCanceledError) {
        status = 'abort';
      } else {
        status = 'error';
        // tslab rejects with its ExecutionCount (the failed cell's number) when a cell fails.
        if (typeof e?.count === 'number') count = e;
        else console.error('unexpected error:', e);
        // The queue rejects every later task until it is reset. Without stop_on_error, it is
        // reset at once; with it (as tslab always did), 200 ms later, so that the requests sent
        // before the failure can arrive and be aborted, or as soon as one sent after it comes.
        if (req.stop_on_error === false) {
          this.aborting = null;
          this.execQueue.reset();
        } else {
          const aborting = { failedAt: Date.now() };
          this.aborting = aborting;
          setTimeout(() => {
            if (this.aborting !== aborting) return;
            this.aborting = null;
            this.execQueue.reset();
          }, ABORT_WINDOW_MS);
        }
      }
    }
    return { status, execution_count: count ? count.count : undefined };
  };

  const run = jupyter.JupyterHandlerImpl.prototype.handleExecuteImpl;
  jupyter.JupyterHandlerImpl.prototype.handleExecuteImpl = function handleExecuteImpl(
    req,
    ...rest
  ) {
    // tslab numbers the request this.execCount + 1 as it starts it.
    req.publishInput?.(this.execCount + 1);
    return run.call(this, req, ...rest);
  };
}

module.exports = { unboundedPublisher, createStreamBuffer, installExecute, HEAD_LINES, TAIL_LINES };
