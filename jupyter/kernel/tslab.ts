/**
 * tslab's modules as the kernel's patches see them: loaded from this clone's node_modules/tslab
 * (tslab and the packages it depends on, resolved from its folder as tslab resolves them), typed
 * with tslab's and zeromq's own declarations, plus the members tslab keeps private that the
 * patches read or replace (`JupyterHandlerInternals`). Nothing is loaded before it is asked for.
 */
import * as path from 'node:path';
import type * as TsForTslab from '@tslab/typescript-for-tslab';
import type * as TslabConverter from 'tslab/dist/converter';
import type * as TslabExecutor from 'tslab/dist/executor';
import type * as TslabJupyter from 'tslab/dist/jupyter';
import type * as TslabMain from 'tslab/dist/main';
import type * as TslabMetadata from 'tslab/dist/metadata';
import type * as TslabUtil from 'tslab/dist/util';
import type * as TypeScript from 'typescript';
import type * as Zmq from 'zeromq';
import { requirePlain } from './plainRequire';

export type { Converter, ConvertResult, Diagnostic } from 'tslab/dist/converter';
export type { ConsoleInterface, ConverterSet, Executor } from 'tslab/dist/executor';

/** tslab's execute request content (jupyter.d.ts keeps the interface to itself). */
export type ExecuteRequest = Parameters<TslabJupyter.JupyterHandlerImpl['handleExecute']>[0];
/** tslab's reply content for an execute request. */
export type ExecuteReply = TslabJupyter.ExecuteReply;
/** tslab's display message content (`writeDisplayData`'s first argument). */
export type DisplayData = Parameters<
  Parameters<TslabJupyter.JupyterHandlerImpl['handleExecute']>[2]
>[0];
/** tslab's ZmqMessage (not exported): what ZmqServer's handlers get. */
export type ZmqMessage = Parameters<TslabJupyter.ZmqServer['handleExecute']>[1];
export type WriteStream = (name: string, text: string) => void;
export type WriteDisplayData = (data: DisplayData, update: boolean) => void;

/** What a cell's failure rejects with in tslab: its ExecutionCount (not exported). */
export interface ExecutionCount {
  count: number;
}

/**
 * tslab's JupyterHandlerImpl with the private members the patches use (tslab 1.0.22,
 * jupyter.js): the count of the last request started, the queue requests run in, the executor,
 * and the body of an execute request, which numbers the request `++execCount` as it starts and
 * rejects with its ExecutionCount when the cell fails.
 */
export interface JupyterHandlerInternals {
  execCount: number;
  execQueue: TslabUtil.TaskQueue;
  executor: TslabExecutor.Executor;
  handleExecuteImpl(
    req: ExecuteRequest,
    writeStream: WriteStream,
    writeDisplayData: WriteDisplayData,
  ): Promise<ExecutionCount>;
}

/** tslab's ZmqServer with the members the execute patch uses (all public in jupyter.d.ts). */
export type ZmqServerInternals = Pick<TslabJupyter.ZmqServer, 'handler' | 'connInfo' | 'iopub'>;

/** The modules of one tslab installation. */
export interface Tslab {
  /** The folder of the tslab package. */
  dir: string;
  /** Its package.json version. */
  version(): string;
  main(): typeof TslabMain;
  executor(): typeof TslabExecutor;
  jupyter(): typeof TslabJupyter;
  converter(): typeof TslabConverter;
  metadata(): typeof TslabMetadata;
  util(): typeof TslabUtil;
  /** tslab's public API (`import { display } from 'tslab'` in a cell). */
  publicApi(): unknown;
  /** The TypeScript tslab compiles cells with (its own 5.0 build). */
  ts(): typeof TsForTslab;
  /** The zeromq tslab opens its sockets with. */
  zeromq(): typeof Zmq;
  /** The installed version of a package tslab depends on, as tslab resolves it. */
  dependencyVersion(name: string): string;
}

/** tslab as installed in `root`/node_modules. */
export function tslabAt(root: string): Tslab {
  const dir = path.join(root, 'node_modules', 'tslab');
  const own = (rel: string) => require(path.join(dir, rel));
  const dep = (id: string) => require(require.resolve(id, { paths: [dir] }));
  const packageJsonOf = (name: string): string =>
    require.resolve(`${name}/package.json`, { paths: [dir] });
  return {
    dir,
    version: () => own('package.json').version as string,
    main: () => own('dist/main.js'),
    executor: () => own('dist/executor.js'),
    jupyter: () => own('dist/jupyter.js'),
    converter: () => own('dist/converter.js'),
    metadata: () => own('dist/metadata.js'),
    util: () => own('dist/util.js'),
    publicApi: () => require(dir),
    ts: () => requirePlain('@tslab/typescript-for-tslab', dir) as typeof TsForTslab,
    zeromq: () => dep('zeromq'),
    dependencyVersion: (name) => require(packageJsonOf(name)).version as string,
  };
}

/** The project's own TypeScript, from this clone (the module loader transpiles lib/ with it). */
export function projectTypeScript(): typeof TypeScript {
  return requirePlain('typescript', __dirname) as typeof TypeScript;
}
