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
 *   reply. Past MAX_LINES lines a cell's stream output stops, and one line at its end says how many
 *   lines were not shown.
 * - Errors abort the queued requests only when the request asks for it (stop_on_error, true unless
 *   the client allows errors): tslab always aborted them, so nbconvert skipped every cell after a
 *   cell tagged raises-exception.
 * - Execution counts. Each request publishes execute_input with its count when it starts running,
 *   as Jupyter's protocol asks, so clients and nbconvert record In [1], In [2], ...
 */

const FLUSH_MS = 100;
const MAX_BUFFER_CHARS = 256 * 1024;
const MAX_LINES = 100_000;

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
 * The stream side of one execute request: buffered, ordered, capped.
 * @param {(name: string, text: string) => void} send publishes one stream message
 */
function createStreamBuffer(send, now = Date.now) {
  let pending = []; // [name, text] runs in order
  let pendingChars = 0;
  let lastFlush = now();
  let timer = null;
  let lines = 0;
  let hidden = 0;

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

  function write(name, text) {
    if (hidden > 0 || lines >= MAX_LINES) {
      hidden += countLines(text);
      return;
    }
    let kept = text;
    const n = countLines(text);
    if (lines + n > MAX_LINES) {
      const cut = nthNewline(text, MAX_LINES - lines);
      kept = text.slice(0, cut + 1);
      hidden += n - (MAX_LINES - lines);
    }
    lines += countLines(kept);
    const last = pending[pending.length - 1];
    if (last && last[0] === name) last[1] += kept;
    else pending.push([name, kept]);
    pendingChars += kept.length;
    if (pendingChars >= MAX_BUFFER_CHARS || now() - lastFlush >= FLUSH_MS) flush();
    else if (!timer) timer = setTimeout(flush, FLUSH_MS);
  }

  /** At the end of the cell: everything out, and the count of lines not shown. */
  function end() {
    if (hidden > 0) {
      const total = (lines + hidden).toLocaleString('en-US');
      pending.push([
        'stdout',
        `... ${hidden.toLocaleString('en-US')} lines not shown (the cell printed ${total}; the first ${lines.toLocaleString('en-US')} are above)\n`,
      ]);
      hidden = 0;
      lines = MAX_LINES; // later writes of this cell (callbacks) stay hidden
    }
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
        // The queue rejects every later task until it is reset. With stop_on_error (as tslab
        // always did), it is reset after a short pause that lets the queued requests arrive and be
        // aborted; without, at once.
        this.execQueue.reset(req.stop_on_error === false ? undefined : 200);
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

module.exports = { unboundedPublisher, createStreamBuffer, installExecute, MAX_LINES };
