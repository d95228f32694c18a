/**
 * How the kernel starts (jupyter/kernel/tslabKernel.ts, jupyter/kernel/kernelspec.ts, kernelArgs.ts,
 * plainRequire.ts), without Jupyter: the kernelspec's command, the connection file made absolute,
 * the compilers loaded past tsx's hook, and the kernelspec's command started for real, answering
 * kernel_info and running a cell over zeromq.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelArgs } from '../../jupyter/kernel/kernelArgs';
import {
  kernelArgv,
  kernelSpec,
  launcherPath,
  NODE_FLAGS,
  writeKernelSpecs,
} from '../../jupyter/kernel/kernelspec';
import { requirePlain } from '../../jupyter/kernel/plainRequire';
import { tslabAt } from '../../jupyter/kernel/tslab';
import { decodeFrames, signedFrames, type WireMessage } from '../helpers/kernelWire';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-launch-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('kernelArgs', () => {
  it('makes the connection file absolute against the folder Jupyter started the kernel in', () => {
    expect(kernelArgs(['kernel', '--config-path', 'conn.json'], '/home/u/notebooks')).toEqual([
      'kernel',
      '--config-path',
      '/home/u/notebooks/conn.json',
    ]);
    expect(kernelArgs(['kernel', '--config-path', '/run/c.json', '--js'], '/x')).toEqual([
      'kernel',
      '--config-path',
      '/run/c.json',
      '--js',
    ]);
    expect(kernelArgs(['kernel'], '/x')).toEqual(['kernel']);
  });
});

describe('the kernelspec', () => {
  it("runs this clone's launcher with node, the GC flag and tsx's CommonJS hook", () => {
    const argv = kernelArgv(ROOT);
    expect(argv).toEqual([
      'node',
      '--max-semi-space-size=64',
      '--require',
      require.resolve('tsx/cjs'),
      path.join(ROOT, 'jupyter', 'kernel', 'tslabKernel.ts'),
      'kernel',
      '--config-path',
      '{connection_file}',
    ]);
    expect(NODE_FLAGS).toEqual(['--max-semi-space-size=64']);
    expect(fs.existsSync(argv[3])).toBe(true);
    expect(fs.existsSync(launcherPath(ROOT))).toBe(true);
    expect(kernelArgv(ROOT, true)).toEqual([...argv, '--js']);
  });

  it('writes tslab and jslab kernel.json files, nothing else', () => {
    const dir = path.join(tmp, 'kernels');
    const files = writeKernelSpecs(dir, ROOT);
    expect(files).toEqual([
      path.join(dir, 'tslab', 'kernel.json'),
      path.join(dir, 'jslab', 'kernel.json'),
    ]);
    expect(JSON.parse(fs.readFileSync(files[0], 'utf8'))).toEqual(kernelSpec(ROOT));
    expect(JSON.parse(fs.readFileSync(files[1], 'utf8'))).toEqual({
      argv: kernelArgv(ROOT, true),
      display_name: 'JavaScript',
      language: 'javascript',
    });
    expect(fs.readdirSync(path.join(dir, 'tslab'))).toEqual(['kernel.json']);
    expect(fs.readdirSync(path.join(dir, 'jslab'))).toEqual(['kernel.json']);
  });
});

describe('requirePlain', () => {
  it('loads a CommonJS file into require’s cache: a later require gets the same module', () => {
    const dir = path.join(tmp, 'plain');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'm.js'), 'module.exports = { token: {}, dir: __dirname };\n');
    const first = requirePlain('./m.js', dir) as { token: object; dir: string };
    expect(first.dir).toBe(dir);
    expect(require(path.join(dir, 'm.js'))).toBe(first);
    expect(requirePlain('./m.js', dir)).toBe(first);
    fs.writeFileSync(path.join(dir, 'd.json'), '{}');
    expect(() => requirePlain('./d.json', dir)).toThrow(
      `requirePlain: './d.json' resolves to ${path.join(dir, 'd.json')}, not a .js file`,
    );
  });

  it("gives tslab's converter the TypeScript the kernel loaded", () => {
    const tslab = tslabAt(ROOT);
    const ts = tslab.ts();
    const forConverter = require(
      require.resolve('@tslab/typescript-for-tslab', { paths: [tslab.dir] }),
    );
    expect(forConverter).toBe(ts);
    expect(ts.version).toBe('5.0.4');
  });
});

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('the kernelspec command', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('starts the kernel, which answers kernel_info and runs a cell', async () => {
    const zmq = tslabAt(ROOT).zeromq();
    const key = 'launch-test-key';
    const names = ['shell', 'iopub', 'stdin', 'control', 'hb'];
    const ports: Record<string, number> = {};
    for (const n of names) ports[`${n}_port`] = await freePort();
    const connection = path.join(tmp, 'connection.json');
    fs.writeFileSync(
      connection,
      JSON.stringify({
        ...ports,
        ip: '127.0.0.1',
        transport: 'tcp',
        key,
        signature_scheme: 'hmac-sha256',
        kernel_name: 'tslab',
      }),
    );
    const argv = kernelArgv(ROOT).map((a) => (a === '{connection_file}' ? connection : a));
    let stderr = '';
    child = spawn(process.execPath, argv.slice(1), { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<never>((_, reject) =>
      child?.on('exit', (code, signal) =>
        // Its stderr without stack frames (vitest would try to map them).
        reject(
          new Error(
            `the kernel exited (${code ?? signal}): ${stderr.replace(/^\s+at .*$/gm, '').trim()}`,
          ),
        ),
      ),
    );
    exited.catch(() => {});

    const shell = new zmq.Dealer();
    const iopub = new zmq.Subscriber();
    const published: WireMessage[] = [];
    try {
      shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
      iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
      iopub.subscribe();
      void (async () => {
        try {
          for await (const frames of iopub) published.push(decodeFrames(key, frames));
        } catch {
          // closed
        }
      })();
      const request = async (type: string, content: object) => {
        const { id, frames } = signedFrames(key, type, content);
        await shell.send(frames.slice(1)); // the Dealer's identity stands for the client's
        for (;;) {
          const reply = decodeFrames(key, await Promise.race([shell.receive(), exited]));
          if (reply.parent === id) return { id, reply };
        }
      };

      const info = await request('kernel_info_request', {});
      expect(info.reply.type).toBe('kernel_info_reply');
      expect(info.reply.content).toMatchObject({ implementation: 'tslab', banner: 'TypeScript' });
      // A subscriber that connected before the kernel bound iopub joins it only on zeromq's next
      // reconnect, and a publisher drops what it sends before then. As Jupyter's clients do, ask
      // for kernel_info until its status messages arrive on iopub: from then on nothing is lost.
      for (let tries = 0; ; tries++) {
        const probe = await request('kernel_info_request', {});
        const deadline = Date.now() + 500;
        while (Date.now() < deadline && !published.some((m) => m.parent === probe.id)) {
          await new Promise((r) => setTimeout(r, 20));
        }
        if (published.some((m) => m.parent === probe.id)) break;
        expect(tries, 'iopub never delivered a status message').toBeLessThan(40);
      }

      const run = await request('execute_request', {
        code: 'const answer: number = 6 * 7;\nconsole.log(answer);',
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      });
      expect(run.reply.content).toEqual({ status: 'ok', execution_count: 1 });
      const idle = () =>
        published.some((m) => m.parent === run.id && m.content.execution_state === 'idle');
      while (!idle()) await new Promise((r) => setTimeout(r, 20));
      const ofRun = published.filter((m) => m.parent === run.id && m.type !== 'status');
      expect(ofRun.map((m) => [m.type, m.content])).toEqual([
        [
          'execute_input',
          { code: 'const answer: number = 6 * 7;\nconsole.log(answer);', execution_count: 1 },
        ],
        ['stream', { name: 'stdout', text: '42\n' }],
      ]);
      expect(stderr).toBe('');
    } finally {
      shell.close();
      iopub.close();
    }
  }, 120_000);
});
