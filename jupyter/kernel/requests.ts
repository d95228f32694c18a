/**
 * How the kernel handles an execute request: the functions jupyter/kernel/patches.ts puts in
 * place of tslab's ZmqServer.handleExecute and JupyterHandlerImpl.handleExecute, and around
 * JupyterHandlerImpl.handleExecuteImpl, and the iopub socket class it gives tslab.
 *
 * - Nothing is dropped. iopub is a PUB socket: past its high-water mark (1000 messages by default)
 *   PUB drops messages, and while a cell runs synchronously nothing drains the socket, so a cell
 *   printing 20,000 lines lost its last lines and sometimes the idle status after them (the
 *   notebook stayed busy). iopub gets no high-water mark, and sends at once (sendTimeout 0: zeromq
 *   6 otherwise defers a send after 512 synchronous ones and the next throws "Socket is busy
 *   writing" inside console.log).
 * - Few messages: stream text goes through ./streamBuffer.ts.
 * - Errors abort the queued requests only when the request asks for it (stop_on_error, true unless
 *   the client allows errors): tslab always aborted them, so nbconvert skipped every cell after a
 *   cell tagged raises-exception. As in tslab, the requests that arrive within 200 ms of the
 *   failure are aborted (those sent before the client knew, as "Run All" sends them), but not a
 *   request whose header says it was sent after the failure: tslab aborted that one too, so a cell
 *   run again at once after an error in JupyterLab (stop_on_error true) showed no output at all.
 * - Execution counts. Each request publishes execute_input with its count when it starts running,
 *   as Jupyter's protocol asks, so clients and nbconvert record In [1], In [2], ...
 */
import { createStreamBuffer } from './streamBuffer';
import type {
  ExecuteRequest,
  ExecutionCount,
  JupyterHandlerInternals,
  WriteDisplayData,
  WriteStream,
  ZmqMessage,
  ZmqServerInternals,
} from './tslab';

/** After a failed cell (stop_on_error), requests sent before it failed are aborted this long. */
export const ABORT_WINDOW_MS = 200;

/** The execute request as our handlers pass it on: tslab's, with two hidden additions. */
export type KernelExecuteRequest = ExecuteRequest & {
  /** When the client sent the request (its clock; NaN when the header has no date). */
  readonly sentAt?: number;
  /** Publishes execute_input with the request's count (called as the request starts). */
  readonly publishInput?: (count: number) => void;
};

/** An execute reply's content, as tslab's handler returns it (no count for an aborted request). */
export interface KernelExecuteReply {
  status: 'ok' | 'error' | 'abort';
  execution_count: number | undefined;
}

/** Our state on tslab's handler: the failure whose queued requests are being aborted. */
type Handler = JupyterHandlerInternals & { aborting?: { failedAt: number } | null };

/** zeromq's Publisher constructor, as much of it as the subclass needs. */
type PublisherClass<P> = new (options?: { sendHighWaterMark?: number; sendTimeout?: number }) => P;

/** A Publisher class that keeps every message and sends at once (see above). */
export function unboundedPublisher<P>(Publisher: PublisherClass<P>): PublisherClass<P> {
  return class UnboundedPublisher extends (Publisher as PublisherClass<object>) {
    constructor(options?: { sendHighWaterMark?: number; sendTimeout?: number }) {
      super({ ...options, sendHighWaterMark: 0, sendTimeout: 0 });
    }
  } as PublisherClass<P>;
}

/** ZmqServer.prototype.handleExecute: buffered streams, execute_input, the sending time. */
export async function serverHandleExecute(
  this: ZmqServerInternals,
  sock: unknown,
  msg: ZmqMessage,
): Promise<void> {
  const publish = (type: string, content: object) => {
    const m = msg.createReply();
    m.header.msg_type = type;
    m.content = content;
    m.signAndSend(this.connInfo.key, this.iopub);
  };
  const stream = createStreamBuffer((name, text) => publish('stream', { name, text }));
  const writeDisplayData: WriteDisplayData = (data, update) => {
    stream.flush();
    publish(update ? 'update_display_data' : 'display_data', data);
  };
  const content = msg.content as ExecuteRequest;
  Object.defineProperty(content, 'sentAt', {
    enumerable: false,
    value: Date.parse(msg.header?.date ?? ''),
  });
  Object.defineProperty(content, 'publishInput', {
    enumerable: false,
    value: (count: number) =>
      publish('execute_input', { code: content.code, execution_count: count }),
  });
  let reply: object;
  try {
    reply = await this.handler.handleExecute(content, stream.write, writeDisplayData);
  } finally {
    stream.end();
  }
  const m = msg.createReply();
  m.header.msg_type = 'execute_reply';
  m.content = reply;
  m.signAndSend(this.connInfo.key, sock);
}

/**
 * JupyterHandlerImpl.prototype.handleExecute: runs the request in tslab's queue and aborts the
 * queued ones after a failure only as stop_on_error asks (see above).
 * @param TaskCanceledError tslab's (tslab/dist/util.js): what the queue rejects aborted tasks with
 */
export function makeHandlerExecute(TaskCanceledError: new (...args: never[]) => Error) {
  return async function handleExecute(
    this: Handler,
    req: KernelExecuteRequest,
    writeStream: WriteStream,
    writeDisplayData: WriteDisplayData,
  ): Promise<KernelExecuteReply> {
    let status: KernelExecuteReply['status'] = 'ok';
    let count: ExecutionCount | undefined;
    // Sent after the failure that is aborting requests: the client knew of it, so this one runs.
    if (this.aborting && (req.sentAt ?? Number.NaN) > this.aborting.failedAt) {
      this.aborting = null;
      this.execQueue.reset();
    }
    try {
      count = await this.execQueue.add(() =>
        this.handleExecuteImpl(req, writeStream, writeDisplayData),
      );
    } catch (e) {
      if (e instanceof TaskCanceledError) {
        status = 'abort';
      } else {
        status = 'error';
        // tslab rejects with its ExecutionCount (the failed cell's number) when a cell fails.
        if (typeof (e as Partial<ExecutionCount> | null)?.count === 'number') {
          count = e as ExecutionCount;
        } else {
          console.error('unexpected error:', e);
        }
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
}

/**
 * Around JupyterHandlerImpl.prototype.handleExecuteImpl: publishes execute_input with the number
 * tslab gives the request as it starts it (`++this.execCount`), then runs it.
 */
export function numberedExecuteImpl(run: JupyterHandlerInternals['handleExecuteImpl']) {
  return function handleExecuteImpl(
    this: JupyterHandlerInternals,
    req: KernelExecuteRequest,
    writeStream: WriteStream,
    writeDisplayData: WriteDisplayData,
  ): Promise<ExecutionCount> {
    req.publishInput?.(this.execCount + 1);
    return run.call(this, req, writeStream, writeDisplayData);
  };
}
