/**
 * The kernel's patches of tslab and zeromq (jupyter/kernel/patches.ts), each against the installed
 * packages, without Jupyter: that the member a patch replaces or wraps is still there with the
 * shape and the behaviour the patch assumes (tested on tslab's own code, before the patch), and
 * that the patched kernel does what the patch says. The installed versions must be the ones the
 * list names: after an update, the first test says what to re-verify.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Zmq from 'zeromq';
import { INTERRUPTED_EVENT } from '../../jupyter/kernel/executor';
import { INTERRUPTED } from '../../jupyter/kernel/messages';
import {
  applyPatches,
  installedVersions,
  type KernelContext,
  PATCH_NAMES,
  PATCHES,
  type Patch,
  type PatchName,
  WRITTEN_FOR,
} from '../../jupyter/kernel/patches';
import { ABORT_WINDOW_MS } from '../../jupyter/kernel/requests';
import {
  type Converter,
  type ConverterSet,
  type Executor,
  type JupyterHandlerInternals,
  type Tslab,
  tslabAt,
} from '../../jupyter/kernel/tslab';
import { decodeFrames, signedFrames, type WireMessage } from '../helpers/kernelWire';

const ROOT = path.resolve(__dirname, '..', '..');
const tslab = tslabAt(ROOT);
const jupyter = tslab.jupyter();
const { JupyterHandlerImpl, ZmqServer } = jupyter;
const handlerProto = JupyterHandlerImpl.prototype as unknown as JupyterHandlerInternals;
/** tslab's own members, kept before any patch is applied. */
const original = {
  createExecutor: tslab.executor().createExecutor,
  createConverter: tslab.converter().createConverter,
  handleExecuteImpl: handlerProto.handleExecuteImpl,
  watchFile: tslab.ts().sys.watchFile,
  Publisher: tslab.zeromq().Publisher,
  init: ZmqServer.prototype.init,
};

// Cells compile and run in a scratch project: tslab's converter works in the process's cwd.
const cwd = process.cwd();
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-patches-')));
let clock = 1_700_000_000;
/** Writes a file of the scratch project with a distinct mtime. */
function write(rel: string, text: string): void {
  fs.writeFileSync(path.join(dir, rel), text);
  clock += 10;
  fs.utimesSync(path.join(dir, rel), clock, clock);
}
const kernel: KernelContext = { root: dir, tslab };
const converters: Converter[] = [];
function converter(): Converter {
  const c = tslab.converter().createConverter({});
  converters.push(c);
  return c;
}
beforeAll(() => process.chdir(dir));
afterAll(() => {
  for (const c of converters) c.close();
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

// tslab points process.stdout.write and stderr.write at the cell's stream; put them back.
const { write: stdoutWrite } = process.stdout;
const { write: stderrWrite } = process.stderr;
afterEach(() => {
  process.stdout.write = stdoutWrite;
  process.stderr.write = stderrWrite;
});

const patchNamed = (name: PatchName): Patch => {
  const patch = PATCHES.find((p) => p.name === name);
  if (!patch) throw new Error(`no patch '${name}' in jupyter/kernel/patches.ts`);
  return patch;
};

/** The member a patch names, reached from its module's exports as the list spells it. */
function memberOf(patch: Patch): unknown {
  const exported = require(require.resolve(patch.module, { paths: [tslab.dir] }));
  return patch.member
    .split('.')
    .reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], exported);
}

const described = new Set<PatchName>();
/** The tests of one patch: first, that its member is where the list says. */
function describePatch(name: PatchName, body: (patch: Patch) => void): void {
  described.add(name);
  const patch = patchNamed(name);
  describe(`${name} (${patch.how} ${patch.module} ${patch.member})`, () => {
    it(`${patch.member} is a function in ${patch.module}`, () => {
      expect(typeof memberOf(patch)).toBe('function');
    });
    body(patch);
  });
}

describe('the list of patches', () => {
  it('was written for the installed tslab, its TypeScript and zeromq', () => {
    for (const { name, installed, writtenFor } of installedVersions(tslab)) {
      expect(
        installed,
        `${name} ${installed} is installed; the kernel's patches (jupyter/kernel/patches.ts) were ` +
          `written for ${name} ${writtenFor}. Re-verify what each patch assumes against the new ` +
          'code, run npm run test:kernel, then update WRITTEN_FOR.',
      ).toBe(writtenFor);
    }
  });

  it('names every patch once, each with its module, member, reasons and versions', () => {
    expect(PATCHES.map((p) => p.name)).toEqual([...PATCH_NAMES]);
    for (const p of PATCHES) {
      expect(p.module.startsWith(p.package), p.name).toBe(true);
      for (const text of [p.member, p.changes, p.why, p.assumes]) {
        expect(text.length, p.name).toBeGreaterThan(0);
      }
      expect(p.writtenFor, p.name).toContain(p.package);
      for (const pkg of p.writtenFor) expect(WRITTEN_FOR[pkg], p.name).toBeDefined();
    }
  });

  it('has tests here for every patch', () => {
    expect([...described].sort()).toEqual([...PATCH_NAMES].sort());
  });

  it('stops the kernel with a message naming the patch when tslab lacks the member', () => {
    class ZmqServerWithout {}
    const without = { ...tslab, jupyter: () => ({ ZmqServer: ZmqServerWithout }) };
    expect(() =>
      applyPatches({ root: dir, tslab: without as unknown as Tslab }, [
        patchNamed('batched-output'),
      ]),
    ).toThrow(
      "tslab-kernel: patch 'batched-output' expects tslab/dist/jupyter.js ZmqServer.prototype.handleExecute to be a function (written for tslab 1.0.22); found undefined.",
    );
  });
});

describePatch('type-checker-sees-edits', (patch) => {
  it("tslab's converter watches the files a cell imports through ts.sys.watchFile", () => {
    const ts = tslab.ts();
    const watched: string[] = [];
    ts.sys.watchFile = (file, ...rest) => {
      watched.push(file);
      return original.watchFile!.call(ts.sys, file, ...rest);
    };
    try {
      write('watched.ts', 'export const w = 1;\n');
      const c = converter();
      expect(c.convert('', "import { w } from './watched';\nw;").diagnostics).toEqual([]);
      expect(watched).toContain(path.join(dir, 'watched.ts'));
    } finally {
      ts.sys.watchFile = original.watchFile;
    }
    expect(ts.FileWatcherEventKind).toMatchObject({ Created: 0, Changed: 1, Deleted: 2 });
  });

  it('type-checks the next cell against a file saved just before it, once synced', () => {
    patch.apply(kernel);
    const polled = kernel.polled!;
    write('m.ts', 'export const v = 1;\n');
    const c = converter();
    const cell = "import { v } from './m';\nconst y: number = v;";
    const first = c.convert('', cell);
    expect(first.diagnostics).toEqual([]);
    expect(polled.files()).toContain(path.join(dir, 'm.ts'));
    expect(polled.files().filter((f) => f.includes('node_modules'))).toEqual([]);

    write('m.ts', "export const v = 'one';\n");
    // Not synced yet: the program has not been told (no watcher event arrived on its own).
    expect(c.convert('', cell).diagnostics).toEqual([]);
    expect(polled.sync()).toEqual([path.join(dir, 'm.ts')]);
    const after = c.convert('', cell).diagnostics;
    expect(after.map((d) => [d.code, d.messageText])).toEqual([
      [2322, "Type 'string' is not assignable to type 'number'."],
    ]);
    expect(polled.sync()).toEqual([]);
  });
});

/** What a console given to an executor printed. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    console: {
      log: (...a: unknown[]) => out.push(format(...a)),
      error: (...a: unknown[]) => err.push(format(...a)),
    },
  };
}

function converterSet(node: Converter): ConverterSet {
  return { node, browser: node, close: () => node.close() };
}

describePatch('own-executor', (patch) => {
  it("is what tslab's startKernel builds its executor with, and hands to its handler", async () => {
    const executorModule = tslab.executor();
    const converterModule = tslab.converter();
    const made: unknown[][] = [];
    const fake = { close() {} } as unknown as Executor;
    const fakeConverter = { close() {} } as unknown as Converter;
    let server: InstanceType<typeof ZmqServer> | undefined;
    const listeners = ['SIGINT', 'uncaughtException', 'unhandledRejection'].map(
      (e) => [e, process.listeners(e as NodeJS.Signals)] as const,
    );
    executorModule.createExecutor = (...args) => {
      made.push(args);
      return fake;
    };
    converterModule.createConverter = () => fakeConverter;
    ZmqServer.prototype.init = async function (this: InstanceType<typeof ZmqServer>) {
      server = this;
    };
    try {
      tslab.main().startKernel({ configPath: 'connection.json', enableFindLocal: false });
    } finally {
      executorModule.createExecutor = original.createExecutor;
      converterModule.createConverter = original.createConverter;
      ZmqServer.prototype.init = original.init;
      for (const [event, before] of listeners) {
        for (const l of process.listeners(event as NodeJS.Signals)) {
          if (!before.includes(l)) process.removeListener(event, l);
        }
      }
    }
    expect(made).toHaveLength(1);
    const [rootDir, convs, console] = made[0] as [string, ConverterSet, Record<string, unknown>];
    expect(rootDir).toBe(process.cwd());
    expect(convs.node).toBe(fakeConverter);
    expect(typeof convs.close).toBe('function');
    expect([typeof console.log, typeof console.error]).toEqual(['function', 'function']);
    if (!server) throw new Error('startKernel did not start its ZmqServer');
    expect(server.configPath).toBe('connection.json');
    expect(server.handler).toBeInstanceOf(JupyterHandlerImpl);
    expect((server.handler as unknown as JupyterHandlerInternals).executor).toBe(fake);
  });

  it("tslab's handler uses only the executor members ours has", async () => {
    patch.apply(kernel);
    const ours = tslab.executor().createExecutor(dir, converterSet(converter()), capture().console);
    const used = new Set<string | symbol>();
    const spy = new Proxy(ours, {
      get: (t, key) => {
        used.add(key);
        return Reflect.get(t, key);
      },
    });
    const handler = new JupyterHandlerImpl(spy, false);
    await handler.handleExecute(
      { code: '1', silent: false, store_history: true, user_expressions: {} },
      () => {},
      () => {},
    );
    handler.handleInspect({ code: 'Math', cursor_pos: 2, detail_level: 0 });
    handler.handleComplete({ code: 'Math.', cursor_pos: 5 });
    expect([...used].every((k) => k in ours)).toBe(true);
    expect([...used].sort()).toEqual(['complete', 'execute', 'inspect']);
    expect(Object.keys(ours).sort()).toEqual(
      ['close', 'complete', 'execute', 'inspect', 'interrupt', 'locals', 'reset'].sort(),
    );
  });

  describe('cells compiled by tslab run in our executor', () => {
    let ex: Executor;
    let log: ReturnType<typeof capture>;
    beforeAll(() => {
      write(
        'lib.ts',
        'export const base = 2;\nexport function twice(x: number): number {\n  return 2 * x;\n}\n',
      );
      patch.apply(kernel);
      log = capture();
      ex = tslab.executor().createExecutor(dir, converterSet(converter()), log.console);
    });
    const run = async (src: string) => {
      log.out.length = 0;
      log.err.length = 0;
      const ok = await ex.execute(src);
      return { ok, out: log.out.join('\n'), err: log.err.join('\n') };
    };

    it("prints a cell's last expression (tslab's lastExpressionVar)", async () => {
      expect(await run("import { base, twice } from './lib';\nconst a = twice(base);")).toEqual({
        ok: true,
        out: '',
        err: '',
      });
      expect(await run('a + 1')).toMatchObject({ ok: true, out: '5' });
    });

    it("tslab's converter names the value of a last-line assignment too (lastExpressionVar)", () => {
      const converted = converter().convert('', 'let n = 1;\nn = 2;');
      expect(converted.lastExpressionVar).toBeTruthy();
    });

    it('shows nothing for a cell ending in an assignment, as Python does', async () => {
      expect(await run('let n = 1;\nconst box = { v: 0 };')).toMatchObject({ ok: true, out: '' });
      expect(await run('n = 40;')).toEqual({ ok: true, out: '', err: '' });
      expect(await run('n += 2;\n// a comment after it')).toEqual({ ok: true, out: '', err: '' });
      expect(await run('box.v = n;')).toEqual({ ok: true, out: '', err: '' });
      expect(await run('n')).toMatchObject({ ok: true, out: '42' });
      expect(await run('box.v === n')).toMatchObject({ ok: true, out: 'true' });
      expect(await run('(n = 7)')).toMatchObject({ ok: true, out: '7' });
      expect(await run('n = 8;\nn * 2')).toMatchObject({ ok: true, out: '16' });
    });

    it('calls the edited code through a name an earlier cell imported (live imports, autoreload)', async () => {
      write(
        'lib.ts',
        'export const base = 2;\nexport function twice(x: number): number {\n  return 3 * x;\n}\n',
      );
      expect(await run('twice(base)')).toMatchObject({ ok: true, out: '6', err: '' });
    });

    it('keeps what a failing cell assigned before it stopped, and drops what it never reached', async () => {
      const failed = await run(
        "const kept = 1;\nif (kept === 1) throw new Error('stopped here');\nconst lost = 2;",
      );
      expect(failed).toMatchObject({ ok: false, err: 'Error: stopped here' });
      expect(await run('kept')).toMatchObject({ ok: true, out: '1' });
      expect(await run('lost')).toEqual({
        ok: false,
        out: '',
        err: "'lost' is not defined yet: run the cell that declares it first.",
      });
    });

    it('runs a cell with top-level await (the async wrapper)', async () => {
      expect(await run('const w = await Promise.resolve(7);')).toMatchObject({ ok: true });
      expect(await run('w * 2')).toMatchObject({ ok: true, out: '14' });
    });

    it('prints a NotImplementedError as one line and counts the cell as run, sync or async', async () => {
      const throwing = (name: string) =>
        `const ${name}Before = 1;\nconst ${name}Error = new Error('${name} is not implemented yet: write it in lib/layers.ts');\n${name}Error.name = 'NotImplementedError';\nthrow ${name}Error;`;
      expect(await run(throwing('sync'))).toEqual({
        ok: true,
        out: '',
        err: 'sync is not implemented yet: write it in lib/layers.ts',
      });
      expect(await run(`await Promise.resolve();\n${throwing('later')}`)).toEqual({
        ok: true,
        out: '',
        err: 'later is not implemented yet: write it in lib/layers.ts',
      });
      expect(await run('syncBefore + laterBefore')).toMatchObject({ ok: true, out: '2' });
    });

    it('stops an awaiting cell on interrupt with one line, says so to listeners, keeps its values', async () => {
      const heard: unknown[] = [];
      const listener = (e: unknown) => heard.push(e);
      (process as NodeJS.EventEmitter).on(INTERRUPTED_EVENT, listener);
      try {
        log.err.length = 0;
        const pending = ex.execute('let reached = 3;\nawait new Promise(() => {});');
        // execute() compiles and starts the cell before it returns: the cell is awaiting now.
        ex.interrupt();
        expect(await pending).toBe(false);
        expect(log.err).toEqual([INTERRUPTED]);
        expect(heard).toHaveLength(1);
        expect(heard[0]).toMatchObject({ executionCount: expect.any(Number) });
      } finally {
        process.removeListener(INTERRUPTED_EVENT, listener);
      }
      expect(await run('reached')).toMatchObject({ ok: true, out: '3' });
    });
  });
});

/** Publishes `n` messages without waiting, then collects what a subscriber got. */
async function publishMany(
  Publisher: new () => Zmq.Publisher,
  n: number,
): Promise<{ thrown: string | null; received: string[] }> {
  const zmq = tslab.zeromq();
  const pub = new Publisher();
  const sub = new zmq.Subscriber();
  const got: string[] = [];
  try {
    await pub.bind('tcp://127.0.0.1:*');
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    void (async () => {
      try {
        for await (const [m] of sub) got.push(m.toString());
      } catch {
        // closed
      }
    })();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    while (!got.includes('probe')) {
      await pub.send('probe');
      await sleep(20);
    }
    let thrown: string | null = null;
    try {
      for (let i = 0; i < n; i++) void pub.send(`m${i}`);
    } catch (e) {
      thrown = (e as Error).message;
    }
    for (let seen = -1; seen !== got.length; ) {
      seen = got.length;
      await sleep(200);
    }
    return { thrown, received: got.filter((m) => m !== 'probe') };
  } finally {
    pub.close();
    sub.close();
  }
}

describePatch('unbounded-iopub', (patch) => {
  it("is the class tslab's ZmqServer.init opens iopub with", async () => {
    patch.apply(kernel);
    const ports = ['shell', 'iopub', 'stdin', 'control', 'hb'].map((s) => [`${s}_port`, '*']);
    const file = path.join(dir, 'connection.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...Object.fromEntries(ports), ip: '127.0.0.1', transport: 'tcp', key: 'k' }),
    );
    const executor = { close() {} } as unknown as Executor;
    const server = new ZmqServer(new JupyterHandlerImpl(executor, false), file);
    await server.init();
    try {
      expect(server.iopub).toBeInstanceOf(tslab.zeromq().Publisher);
      expect(server.iopub).toBeInstanceOf(original.Publisher);
      expect(server.iopub.sendHighWaterMark).toBe(0);
      expect(server.iopub.sendTimeout).toBe(0);
    } finally {
      server.close();
    }
  });

  it("zeromq's own Publisher refuses the 513th message sent without waiting", async () => {
    const { thrown, received } = await publishMany(original.Publisher, 5000);
    expect(thrown).toMatch(/busy writing/);
    expect(received.length).toBeLessThan(5000);
  });

  it('delivers 5,000 messages sent without waiting, in order', async () => {
    const { thrown, received } = await publishMany(tslab.zeromq().Publisher, 5000);
    expect(thrown).toBeNull();
    expect(received).toEqual(Array.from({ length: 5000 }, (_, i) => `m${i}`));
  });
});

// tslab's message handling, driven with signed wire messages as Jupyter sends them.
const KEY = 'test-key';
type Sent = WireMessage;

/** A socket that decodes (and checks the signature of) what tslab sends on it. */
function socket() {
  const sent: Sent[] = [];
  return {
    sent,
    send(frames: (Buffer | string)[]) {
      sent.push(decodeFrames(KEY, frames));
    },
  };
}

/** An executor whose cells are scripts of steps: print, display, fail, or wait a turn. */
function scriptedExecutor(): Executor {
  return {
    async execute(src: string) {
      for (const step of src.split(';')) {
        const [op, arg = ''] = step.trim().split(' ');
        if (op === 'print') process.stdout.write(`${arg}\n`);
        if (op === 'display') {
          jupyter.lastWriteDisplayData(
            { data: { 'text/plain': arg }, metadata: {}, transient: {} },
            false,
          );
        }
        if (op === 'wait') await new Promise((r) => setImmediate(r));
        if (op === 'fail') return false;
      }
      return true;
    },
    inspect: () => undefined as never,
    complete: () => ({ start: 0, end: 0, candidates: [] }),
    reset() {},
    interrupt() {},
    locals: {},
    close() {},
  };
}

/** tslab's ZmqServer with fake sockets and its real handler, around a scripted executor. */
function server() {
  const iopub = socket();
  const shell = socket();
  const s = Object.create(ZmqServer.prototype) as InstanceType<typeof ZmqServer>;
  const handler = new JupyterHandlerImpl(scriptedExecutor(), false);
  Object.assign(s, { handler, connInfo: { key: KEY }, iopub });
  const send = (code: string, options: { stopOnError?: boolean; date?: Date } = {}) => {
    const request = {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: options.stopOnError ?? true,
    };
    const { id, frames } = signedFrames(KEY, 'execute_request', request, options.date);
    const done = s.handleShellMessage(shell as unknown as Zmq.Router, ...frames);
    return { id, done };
  };
  const reply = (id: string) => shell.sent.find((m) => m.parent === id)?.content;
  const published = (id: string) => iopub.sent.filter((m) => m.parent === id);
  return { s, handler: handler as unknown as JupyterHandlerInternals, send, reply, published };
}

describePatch('batched-output', (patch) => {
  it("tslab's shell loop hands an execute_request to this.handleExecute(sock, msg)", async () => {
    const { s, send, published } = server();
    const calls: [unknown, { header: { date: string }; content: { code: string } }][] = [];
    s.handleExecute = async (sock, msg) => {
      calls.push([sock, msg as never]);
    };
    const date = new Date('2026-01-02T03:04:05.678Z');
    const { id, done } = send('print a', { date });
    await done;
    expect(calls).toHaveLength(1);
    expect(calls[0][1].content.code).toBe('print a');
    expect(calls[0][1].header.date).toBe(date.toISOString());
    expect(typeof (calls[0][1] as unknown as { createReply: unknown }).createReply).toBe(
      'function',
    );
    expect(published(id).map((m) => [m.type, m.content.execution_state])).toEqual([
      ['status', 'busy'],
      ['status', 'idle'],
    ]);
  });

  it('sends stream text in few messages, in order with display data, before the reply', async () => {
    patch.apply(kernel);
    const { send, published, reply } = server();
    const prints = Array.from({ length: 1000 }, (_, i) => `print ${i}`).join(';');
    const { id, done } = send(`${prints};display D;print after`);
    await done;
    const messages = published(id);
    const streams = messages.filter((m) => m.type === 'stream');
    const text = (ms: Sent[]) => ms.map((m) => m.content.text).join('');
    const displayAt = messages.findIndex((m) => m.type === 'display_data');
    expect(streams.length).toBeLessThan(10);
    expect(text(messages.slice(0, displayAt).filter((m) => m.type === 'stream'))).toBe(
      Array.from({ length: 1000 }, (_, i) => `${i}\n`).join(''),
    );
    expect(messages[displayAt].content.data).toEqual({ 'text/plain': 'D' });
    expect(text(messages.slice(displayAt).filter((m) => m.type === 'stream'))).toBe('after\n');
    expect(messages[messages.length - 1].content.execution_state).toBe('idle');
    expect(reply(id)).toEqual({ status: 'ok', execution_count: 1 });
  });
});

describePatch('stop-on-error', (patch) => {
  it("tslab's queue cancels the tasks after a failure until it is reset", async () => {
    const { TaskQueue, TaskCanceledError } = tslab.util();
    const queue = new TaskQueue();
    const failed = queue.add(() => Promise.reject(new Error('cell failed')));
    const next = queue.add(async () => 'ran');
    await expect(failed).rejects.toThrow('cell failed');
    await expect(next).rejects.toBeInstanceOf(TaskCanceledError);
    await expect(queue.add(async () => 'ran')).rejects.toBeInstanceOf(TaskCanceledError);
    queue.reset();
    await expect(queue.add(async () => 'ran')).resolves.toBe('ran');
    const { handler } = server();
    expect(handler.execQueue).toBeInstanceOf(TaskQueue);
  });

  it("tslab's handleExecuteImpl rejects with the failed request's count", async () => {
    const { handler } = server();
    const req = { code: 'fail', silent: false, store_history: true, user_expressions: {} };
    await expect(
      original.handleExecuteImpl.call(
        handler,
        req,
        () => {},
        () => {},
      ),
    ).rejects.toEqual(expect.objectContaining({ count: 1 }));
  });

  it('aborts the requests queued behind a failed one when they ask for it', async () => {
    patch.apply(kernel);
    // The abort window is a timer: it moves only when the test says so.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { send, reply } = server();
      const sentBefore = new Date(Date.now() - 1000);
      const first = send('wait;fail');
      const queued = send('print never', { date: sentBefore });
      await Promise.all([first.done, queued.done]);
      expect(reply(first.id)).toEqual({ status: 'error', execution_count: 1 });
      expect(reply(queued.id)).toEqual({ status: 'abort' });
      // Arriving in the window but sent before the failure (Run All): aborted too.
      const late = send('print never', { date: sentBefore });
      await late.done;
      expect(reply(late.id)).toEqual({ status: 'abort' });
      // Sent after the failure (a rerun in JupyterLab): it runs.
      const rerun = send('print again', { date: new Date(Date.now() + 1) });
      await rerun.done;
      expect(reply(rerun.id)).toEqual({ status: 'ok', execution_count: 2 });

      // After the window, a request sent before a failure runs too.
      const second = send('fail');
      await second.done;
      expect(reply(second.id)).toEqual({ status: 'error', execution_count: 3 });
      vi.advanceTimersByTime(ABORT_WINDOW_MS);
      const afterWindow = send('print late', { date: sentBefore });
      await afterWindow.done;
      expect(reply(afterWindow.id)).toEqual({ status: 'ok', execution_count: 4 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs the next request after a failed one without stop_on_error (nbconvert, raises-exception)', async () => {
    const { send, reply } = server();
    // nbconvert sends a request once the previous one has its reply.
    const first = send('wait;fail', { stopOnError: false });
    await first.done;
    const next = send('print runs', { stopOnError: false, date: new Date(Date.now() - 1000) });
    await next.done;
    expect(reply(first.id)).toEqual({ status: 'error', execution_count: 1 });
    expect(reply(next.id)).toEqual({ status: 'ok', execution_count: 2 });
  });
});

describePatch('execute-input', (patch) => {
  it("tslab's handleExecuteImpl numbers each request execCount + 1 as it starts it", async () => {
    const { handler } = server();
    const counts: [number, number][] = [];
    for (const code of ['print a', 'fail', 'print b']) {
      const before = handler.execCount;
      const req = { code, silent: false, store_history: true, user_expressions: {} };
      const count = await original.handleExecuteImpl
        .call(
          handler,
          req,
          () => {},
          () => {},
        )
        .catch((e: { count: number }) => e);
      counts.push([before, count.count]);
    }
    expect(counts).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('publishes execute_input with the count of the reply, as the request starts', async () => {
    patch.apply(kernel);
    const { send, published, reply } = server();
    for (const [code, count] of [
      ['print a', 1],
      ['fail', 2],
      ['print b', 3],
    ] as const) {
      const { id, done } = send(code, { stopOnError: false });
      await done;
      const messages = published(id);
      expect(messages.map((m) => m.type).slice(0, 2)).toEqual(['status', 'execute_input']);
      expect(messages[1].content).toEqual({ code, execution_count: count });
      expect(reply(id)?.execution_count).toBe(count);
    }
  });
});
