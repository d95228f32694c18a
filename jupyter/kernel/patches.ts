/**
 * Every change the kernel makes to tslab and to the packages tslab runs on, in one list: for each,
 * the module and member it replaces or wraps, what it changes and why, and the versions it was
 * written against. jupyter/kernel/tslabKernel.ts applies them in this order before tslab starts;
 * test/jupyter/kernelPatches.test.ts checks, for each, that the member still has the shape the
 * patch assumes and that the patch does what it says.
 *
 * tslab 1.0.22 (the last release, 2024) compiles cells with its own TypeScript 5.0.4. When an
 * update changes an installed version below, the tests say so: read the new tslab (or zeromq)
 * against the assumptions written under each patch, run `npm run test:kernel`, then update
 * WRITTEN_FOR.
 */
import { makeCreateExecutor } from './executor';
import {
  makeHandlerExecute,
  numberedExecuteImpl,
  serverHandleExecute,
  unboundedPublisher,
} from './requests';
import type { JupyterHandlerInternals, Tslab } from './tslab';
import { projectTypeScript } from './tslab';
import { createPolledWatches, type PolledWatches } from './watchPolling';

/** The versions the patches were written against and checked with. */
export const WRITTEN_FOR = {
  tslab: '1.0.22',
  '@tslab/typescript-for-tslab': '5.0.4',
  zeromq: '6.8.0',
} as const;

export type PatchedPackage = keyof typeof WRITTEN_FOR;

/** What the patches share: the root, tslab's modules, the polled watchers once installed. */
export interface KernelContext {
  /** The repository root (the kernel's working directory). */
  root: string;
  tslab: Tslab;
  /** Set by the 'type-checker-sees-edits' patch. */
  polled?: PolledWatches;
}

export interface Patch {
  /** Short name; its test is named after it. */
  name: PatchName;
  /** The package whose code is changed, and the module in it. */
  package: PatchedPackage;
  module: string;
  /** The member replaced or wrapped, as reached from the module's exports. */
  member: string;
  how: 'replaces' | 'wraps';
  /** What changes for the notebook user. */
  changes: string;
  /** Why tslab's own behaviour was not enough. */
  why: string;
  /** What of tslab the patch relies on (what its test checks). */
  assumes: string;
  /** The packages (and versions) whose code the patch was written against. */
  writtenFor: readonly PatchedPackage[];
  apply(kernel: KernelContext): void;
}

export const PATCH_NAMES = [
  'type-checker-sees-edits',
  'own-executor',
  'unbounded-iopub',
  'batched-output',
  'stop-on-error',
  'execute-input',
] as const;
export type PatchName = (typeof PATCH_NAMES)[number];

export const PATCHES: readonly Patch[] = [
  {
    name: 'type-checker-sees-edits',
    package: '@tslab/typescript-for-tslab',
    module: '@tslab/typescript-for-tslab',
    member: 'sys.watchFile',
    how: 'replaces',
    changes:
      'The files below the root (outside node_modules) that cells import are checked (size and ' +
      'mtime) right before each cell, and the type checker is told about those that changed; ' +
      "other files keep TypeScript's watchers.",
    why:
      "tslab's TypeScript program learns of edits from fs watcher events, which arrive whenever " +
      'the event loop gets to them: a cell run just after a save was type-checked against the ' +
      'old file.',
    assumes:
      "tslab's converter (dist/converter.js) watches the files its program reads through " +
      '`ts.sys.watchFile(path, callback, pollingInterval)` of this module, looked up at each call, ' +
      'and rebuilds the program when a callback reports (fileName, FileWatcherEventKind).',
    writtenFor: ['tslab', '@tslab/typescript-for-tslab'],
    apply(kernel) {
      const ts = kernel.tslab.ts();
      const sys = ts.sys;
      const real = requireFunction(this, sys.watchFile).bind(sys);
      kernel.polled = createPolledWatches(kernel.root, ts.FileWatcherEventKind, real);
      sys.watchFile = kernel.polled.watchFile;
    },
  },
  {
    name: 'own-executor',
    package: 'tslab',
    module: 'tslab/dist/executor.js',
    member: 'createExecutor',
    how: 'replaces',
    changes:
      'Cells run with jupyter/kernel/executor.ts: lib/ autoreloaded before every cell, live ' +
      'imports, declarations that survive an interrupted or failing cell, one-line messages, ' +
      'source-mapped stack traces without Node and tslab frames, a NotImplementedError (student ' +
      "version) printed as the cell's output, and a cell ending in an assignment shows nothing " +
      '(as in Python).',
    why:
      "tslab runs the JavaScript its program emitted for lib/ once (no reload), keeps an import's " +
      'value rather than its binding, forgets every declaration of a cell that failed, prints ' +
      'errors as Node inspects them, and prints the value of an assignment on the last line (a ' +
      'whole Solver with its training data).',
    assumes:
      "tslab's startKernel (dist/main.js) calls `createExecutor(cwd, convs, console)` of this " +
      'module as it starts, and the handler calls only execute, inspect, complete and close; ' +
      "the converter's convert(prevDecl, src) returns { output, declOutput, diagnostics, " +
      'hasToplevelAwait, lastExpressionVar, sideOutputs }, its output writes names as `exports.x` ' +
      '(first all set to void 0) and imports as defineProperty getters, and run as ' +
      '`(function(exports, require) { ... })` it declares what declOutput says.',
    writtenFor: ['tslab', '@tslab/typescript-for-tslab'],
    apply(kernel) {
      const executor = kernel.tslab.executor();
      requireFunction(this, executor.createExecutor);
      const metadata = kernel.tslab.metadata();
      executor.createExecutor = makeCreateExecutor({
        ts: projectTypeScript(),
        getCodeMetadata: metadata.getCodeMetadata,
        tslabApi: kernel.tslab.publicApi,
        syncWatchedFiles: () => kernel.polled?.sync() ?? [],
      });
    },
  },
  {
    name: 'unbounded-iopub',
    package: 'zeromq',
    module: 'zeromq',
    member: 'Publisher',
    how: 'wraps',
    changes:
      'iopub keeps every message (no high-water mark) and sends at once (sendTimeout 0): a cell ' +
      'printing 20,000 lines shows all of them and its idle status.',
    why:
      'Past 1000 queued messages a PUB socket drops them, and nothing drains it while a cell runs ' +
      'synchronously; zeromq 6 also defers a send after 512 synchronous ones, and the next one ' +
      'throws "Socket is busy writing" inside console.log.',
    assumes:
      "tslab's ZmqServer.init (dist/jupyter.js) creates iopub with `new zmq.Publisher()`, " +
      "reading the class from tslab's zeromq as it starts; the class takes sendHighWaterMark " +
      'and sendTimeout in its constructor options.',
    writtenFor: ['tslab', 'zeromq'],
    apply(kernel) {
      const zmq = kernel.tslab.zeromq();
      requireFunction(this, zmq.Publisher);
      (zmq as { Publisher: typeof zmq.Publisher }).Publisher = unboundedPublisher(zmq.Publisher);
    },
  },
  {
    name: 'batched-output',
    package: 'tslab',
    module: 'tslab/dist/jupyter.js',
    member: 'ZmqServer.prototype.handleExecute',
    how: 'replaces',
    changes:
      'Stream text goes out in few large messages, in order with display messages; past 51,000 ' +
      'lines a cell shows its first 50,000 and last 1,000 and says how many are not shown. The ' +
      "request's sending time and a way to publish execute_input are passed on to the handler.",
    why:
      'tslab sent one message per console.log; clients handle a few thousand a second, so a cell ' +
      'printing 20,000 lines kept nbconvert and JupyterLab busy long after it ended.',
    assumes:
      'handleShellMessage calls `this.handleExecute(sock, msg)` for an execute_request; msg has ' +
      'header.date, content and createReply(), whose result is sent with signAndSend(key, sock); ' +
      'the server has connInfo.key, iopub and handler.handleExecute(content, writeStream, ' +
      'writeDisplayData), which resolves to the reply content.',
    writtenFor: ['tslab'],
    apply(kernel) {
      const proto = kernel.tslab.jupyter().ZmqServer.prototype;
      requireFunction(this, proto.handleExecute);
      proto.handleExecute = serverHandleExecute;
    },
  },
  {
    name: 'stop-on-error',
    package: 'tslab',
    module: 'tslab/dist/jupyter.js',
    member: 'JupyterHandlerImpl.prototype.handleExecute',
    how: 'replaces',
    changes:
      'A failed cell aborts the queued requests only when the request has stop_on_error (then ' +
      'those that arrive within 200 ms, but not one sent after the failure).',
    why:
      'tslab always aborted them: nbconvert skipped every cell after a cell tagged ' +
      'raises-exception, and a cell rerun at once after an error in JupyterLab showed nothing.',
    assumes:
      'The handler runs requests one by one through `this.execQueue` (util.js TaskQueue: add, ' +
      'reset; after a failure every later task rejects with TaskCanceledError until reset), by ' +
      '`this.handleExecuteImpl(req, writeStream, writeDisplayData)`, which resolves to an object ' +
      'with the numeric `count` of the request, or rejects with it when the cell failed.',
    writtenFor: ['tslab'],
    apply(kernel) {
      const { JupyterHandlerImpl } = kernel.tslab.jupyter();
      requireFunction(this, JupyterHandlerImpl.prototype.handleExecute);
      const { TaskCanceledError } = kernel.tslab.util();
      (JupyterHandlerImpl.prototype as unknown as Record<string, unknown>).handleExecute =
        makeHandlerExecute(TaskCanceledError);
    },
  },
  {
    name: 'execute-input',
    package: 'tslab',
    module: 'tslab/dist/jupyter.js',
    member: 'JupyterHandlerImpl.prototype.handleExecuteImpl',
    how: 'wraps',
    changes:
      'Each request publishes execute_input with its count as it starts, so clients and nbconvert ' +
      'record In [1], In [2], ...',
    why: "Jupyter's protocol asks for it; tslab never sends it.",
    assumes:
      'handleExecuteImpl numbers the request `++this.execCount` as it starts it (so the count is ' +
      'execCount + 1 just before), and that number is the execution_count of the reply.',
    writtenFor: ['tslab'],
    apply(kernel) {
      const proto = kernel.tslab.jupyter().JupyterHandlerImpl
        .prototype as unknown as JupyterHandlerInternals;
      const run = requireFunction(this, proto.handleExecuteImpl);
      proto.handleExecuteImpl = numberedExecuteImpl(run);
    },
  },
];

/** Applies every patch, in the list's order. */
export function applyPatches(kernel: KernelContext, patches: readonly Patch[] = PATCHES): void {
  for (const patch of patches) patch.apply(kernel);
}

/**
 * The member a patch replaces or wraps, checked to be a function: a tslab that no longer has it
 * stops the kernel with a message naming the patch, instead of a patch that silently does nothing.
 */
function requireFunction<F>(patch: Patch, member: F): F & ((...args: never[]) => unknown) {
  if (typeof member !== 'function') {
    throw new Error(
      `tslab-kernel: patch '${patch.name}' expects ${patch.module} ${patch.member} to be a ` +
        `function (written for ${patch.writtenFor.map((p) => `${p} ${WRITTEN_FOR[p]}`).join(', ')}); ` +
        `found ${member === undefined ? 'undefined' : typeof member}. See jupyter/kernel/patches.ts.`,
    );
  }
  return member as F & ((...args: never[]) => unknown);
}

/** The installed version of each package the patches were written for, next to that version. */
export function installedVersions(
  tslab: Tslab,
): { name: PatchedPackage; installed: string; writtenFor: string }[] {
  return (Object.keys(WRITTEN_FOR) as PatchedPackage[]).map((name) => ({
    name,
    installed: name === 'tslab' ? tslab.version() : tslab.dependencyVersion(name),
    writtenFor: WRITTEN_FOR[name],
  }));
}
