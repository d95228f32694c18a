/**
 * Runs one part's compute in a sandbox process (sandboxChild.ts) and brings back its outputs.
 *
 * The sandbox:
 * - runs from a transpiled copy of the graded project's lib/ and the grader's part modules
 *   ({@link prepareSandbox}, sandboxTree.ts), with its own empty temporary folder as working
 *   directory, TMPDIR and HOME, and an environment of its own (nothing of the grader's);
 * - under Node's permission model: it reads only that copy, node_modules and the public inputs,
 *   writes only its temporary folder, and may start no child process, worker thread or addon; it
 *   computes on the js backend (GRADE_BACKEND to choose another: wasm then multiplies on its main
 *   thread, its worker being refused);
 * - as an unprivileged user (uid/gid 65534, GRADE_SANDBOX_UID / GRADE_SANDBOX_GID to change)
 *   when the grader runs as root, as Gradescope's run_autograder does;
 * - with a CPU time limit (RLIMIT_CPU through util-linux's prlimit, when present), a V8 heap
 *   limit (--max-old-space-size) and a resident-memory cap polled from /proc (typed arrays live
 *   outside V8's heap), and the part's wall-clock limit;
 * - in its own process group, which is killed (SIGKILL to the group) as soon as the reply is in or
 *   a limit is reached, whatever happened; {@link waitForNoSandbox} confirms no process of any
 *   group started survives.
 * The reply comes over file descriptor 3 (not stdout), framed with a random token the child reads
 * before any student module loads, and is decoded with a strict, bounded decoder (wire.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Wire } from './gradingKit';
import { buildSandboxTree, graderRoot } from './sandboxTree';
import { decodeWire } from './wire';

/** What a part's sandbox gave. */
export interface SandboxResult {
  status: 'ok' | 'missing' | 'fail' | 'timeout' | 'memory' | 'crashed';
  /** What compute returned (status `ok` only). */
  value?: Wire;
  /** One line: the error, the limit reached, or empty. */
  detail: string;
  seconds: number;
}

/** A sandbox folder made for one project. */
export interface Sandbox {
  /** The transpiled folder the children run from (read-only for them). */
  treeDir: string;
  /** The parts module, relative to the grader's root (e.g. `tools/assignment/exercises/index`). */
  partsModule: string;
  /** Removes the folder (after every child is dead). */
  cleanup(): void;
}

/** Options of {@link runPartInSandbox}. */
export interface SandboxRun {
  sandbox: Sandbox;
  partId: string;
  /** The public inputs folder (test/fixtures/grading/inputs, or the bundle's copy). */
  inputsDir: string;
  timeoutMs: number;
  /** Resident memory cap in MiB (the V8 heap gets the same limit). */
  memoryMb: number;
  /** CPU time limit in seconds (default: the wall-clock limit, at least 1 s). */
  cpuSeconds?: number;
}

const MiB = 1024 * 1024;
/** The largest reply accepted (a part's outputs are small arrays). */
export const REPLY_LIMIT_BYTES = 64 * MiB;
const CHILD = path.join(__dirname, 'sandboxChild.ts');
const SANDBOX_PREFIX = 'cs231n-sandbox-';

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The uid/gid the sandbox runs as: an unprivileged user when the grader is root, else none. */
export function sandboxUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  return {
    uid: envNumber('GRADE_SANDBOX_UID', 65534),
    gid: envNumber('GRADE_SANDBOX_GID', 65534),
  };
}

/** The permission flag of this Node: `--permission` from 22.13 / 23.5, else the experimental one. */
export function permissionFlag(version = process.versions.node): string {
  const [major, minor] = version.split('.').map(Number);
  const stable = major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

let prlimitPath: string | null | undefined;
/** util-linux's prlimit, or null when this machine has none. */
function prlimit(): string | null {
  if (prlimitPath === undefined) {
    const found = spawnSync('sh', ['-c', 'command -v prlimit'], { encoding: 'utf8' });
    prlimitPath = found.status === 0 ? found.stdout.trim() || null : null;
  }
  return prlimitPath;
}

/**
 * Makes a sandbox folder for a project: its lib/ and the grader's part modules transpiled, under a
 * fresh temporary folder the sandbox's user may enter but not list.
 * @param projectDir the graded project (the grader's own, or a submission's scratch copy)
 * @param partsModule the module exporting `allParts()`, relative to the grader's root
 */
export function prepareSandbox(
  projectDir: string,
  partsModule = 'tools/assignment/exercises/index',
): Sandbox {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), SANDBOX_PREFIX));
  const cleanup = (): void => fs.rmSync(base, { recursive: true, force: true });
  try {
    fs.chmodSync(base, 0o711);
    const treeDir = path.join(base, 'tree');
    fs.mkdirSync(treeDir);
    buildSandboxTree(projectDir, treeDir, [CHILD, path.join(graderRoot, `${partsModule}.ts`)]);
    return { treeDir, partsModule, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Every folder the child reads: paths and, for links, their targets (Node checks both). */
function readable(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    // Each link of a chain (node_modules -> a link -> the folder), then the real path.
    let at = p;
    for (let i = 0; i < 16; i++) {
      out.add(at);
      try {
        if (!fs.lstatSync(at).isSymbolicLink()) break;
        at = path.resolve(path.dirname(at), fs.readlinkSync(at));
      } catch {
        break;
      }
    }
    try {
      out.add(fs.realpathSync(p));
    } catch {
      // not there: nothing to read
    }
  }
  for (const p of out) {
    if (p.includes(','))
      throw new Error(`sandbox: the path ${p} holds a comma (permission flags split on it)`);
  }
  return [...out];
}

/** The process groups started, until seen dead. */
const groups = new Set<number>();
/** The children running now (to kill on a signal). */
const running = new Set<ChildProcess>();

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The pids of the processes in a process group (Linux: /proc/PID/stat's fifth field). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields: state, ppid, pgrp, ...; a zombie is dead already.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(pid));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/**
 * Kills every sandbox process group started and waits until none of their processes is left.
 * @throws Error naming the survivors when some are still there after `waitMs`
 */
export async function waitForNoSandbox(waitMs = 5000): Promise<void> {
  const until = Date.now() + waitMs;
  for (;;) {
    const left = [...groups].flatMap((g) => groupMembers(g).map((pid) => ({ g, pid })));
    if (left.length === 0) {
      groups.clear();
      return;
    }
    for (const { g } of left) killGroup(g);
    if (Date.now() > until) {
      throw new Error(`sandbox: processes ${left.map((x) => x.pid).join(', ')} survive SIGKILL`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kills every sandbox now (on the grader's SIGINT / SIGTERM). */
export function killAllSandboxes(): void {
  for (const g of groups) killGroup(g);
  for (const c of running) if (c.pid) killGroup(c.pid);
}

/** The resident memory of a process in bytes (0 when it is gone). */
function residentBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A parsed reply: the frame's header, then exactly the bytes it announces. */
function parseReply(bytes: Buffer, token: string): { done: boolean; reply?: Wire; error?: string } {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) {
    return bytes.length > 200 ? { done: true, error: 'a reply without a header' } : { done: false };
  }
  const m = /^CS231N-WIRE ([0-9a-f]+) (\d{1,12})$/.exec(bytes.subarray(0, nl).toString('latin1'));
  if (!m || m[1] !== token) return { done: true, error: 'a reply not framed with the token' };
  const length = Number(m[2]);
  if (length > REPLY_LIMIT_BYTES) {
    return { done: true, error: `a reply of ${length} bytes, over ${REPLY_LIMIT_BYTES}` };
  }
  if (bytes.length - nl - 1 < length) return { done: false };
  try {
    return { done: true, reply: decodeWire(bytes.subarray(nl + 1, nl + 1 + length), length) };
  } catch (e) {
    return { done: true, error: (e as Error).message };
  }
}

/**
 * Runs one part's compute in a fresh sandbox process (see the file comment) and returns its
 * outputs, or why there are none. Never throws for anything the child does.
 */
export function runPartInSandbox(run: SandboxRun): Promise<SandboxResult> {
  const { sandbox, partId, inputsDir, timeoutMs, memoryMb } = run;
  const start = Date.now();
  const user = sandboxUser();
  const tmp = fs.mkdtempSync(path.join(path.dirname(sandbox.treeDir), 'tmp-'));
  if (user) fs.chownSync(tmp, user.uid, user.gid);
  const reads = readable([sandbox.treeDir, path.join(graderRoot, 'node_modules'), inputsDir, tmp]);
  const cpu = Math.max(1, Math.ceil(run.cpuSeconds ?? timeoutMs / 1000));
  const nodeArgs = [
    permissionFlag(),
    ...reads.map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${tmp}`,
    `--max-old-space-size=${memoryMb}`,
    '--no-warnings',
    path.join(sandbox.treeDir, 'tools', 'assignment', 'sandboxChild.js'),
    sandbox.partsModule,
    partId,
    inputsDir,
  ];
  const limiter = prlimit();
  const [cmd, args] = limiter
    ? [limiter, [`--cpu=${cpu}:${cpu + 1}`, '--core=0', '--', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const token = randomBytes(24).toString('hex');
  const child = spawn(cmd, args, {
    cwd: tmp,
    env: {
      PATH: '/usr/bin:/bin',
      TMPDIR: tmp,
      HOME: tmp,
      // js unless GRADE_BACKEND says otherwise: blas is an addon (refused), and the grading
      // cases are small, so compiling the wasm module in every process costs more than it saves
      // (both assignments, solved: 20-25 s on js, 28-31 s on wasm).
      CS231N_BACKEND: process.env.GRADE_BACKEND || 'js',
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
    ...(user ?? {}),
  });
  const pgid = child.pid;
  if (pgid) groups.add(pgid);
  running.add(child);
  const channel = child.stdio[3] as unknown as Socket;
  let stderr = '';
  let chunks: Buffer[] = [];
  let received = 0;
  let outcome: Omit<SandboxResult, 'seconds'> | null = null;
  const finish = (o: Omit<SandboxResult, 'seconds'>): void => {
    if (outcome === null) outcome = o;
    if (pgid) killGroup(pgid);
  };
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  child.stdout?.on('data', () => {
    // Read and dropped: what a part prints is not its result.
  });
  channel.on('error', () => {
    // The child closing its end early is a crash, reported on exit.
  });
  channel.on('data', (d: Buffer) => {
    if (outcome !== null) return;
    received += d.length;
    if (received > REPLY_LIMIT_BYTES + 256) {
      finish({ status: 'crashed', detail: `the reply exceeds ${REPLY_LIMIT_BYTES} bytes` });
      return;
    }
    chunks.push(d);
    const all = Buffer.concat(chunks);
    chunks = [all];
    const r = parseReply(all, token);
    if (!r.done) return;
    if (r.error !== undefined) {
      finish({ status: 'crashed', detail: `the part's process sent ${r.error}` });
      return;
    }
    const reply = r.reply as Record<string, Wire>;
    const keys = reply && typeof reply === 'object' ? Object.keys(reply) : [];
    const text = (v: Wire): string => (typeof v === 'string' ? v : String(v)).slice(0, 300);
    if (keys.length === 1 && keys[0] === 'ok')
      finish({ status: 'ok', value: reply.ok, detail: '' });
    else if (keys.length === 1 && keys[0] === 'missing')
      finish({ status: 'missing', detail: text(reply.missing) });
    else if (keys.length === 1 && keys[0] === 'error')
      finish({ status: 'fail', detail: text(reply.error) });
    else finish({ status: 'crashed', detail: "the part's process sent a reply of no known kind" });
  });
  channel.write(`${token}\n`);
  const timer = setTimeout(
    () => finish({ status: 'timeout', detail: `no result within ${timeoutMs / 1000} s` }),
    timeoutMs,
  );
  const capBytes = memoryMb * MiB;
  const poll = setInterval(() => {
    if (pgid && residentBytes(pgid) > capBytes) {
      finish({ status: 'memory', detail: `used more than ${memoryMb} MiB of memory` });
    }
  }, 100);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      running.delete(child);
      if (pgid) killGroup(pgid);
      channel.destroy();
      if (outcome === null) {
        const heap = /heap out of memory|Allocation failed/.test(stderr);
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        const last = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 300);
        outcome = heap
          ? { status: 'memory', detail: `used more than ${memoryMb} MiB of memory (V8 heap)` }
          : signal === 'SIGXCPU'
            ? { status: 'timeout', detail: `used its ${cpu} s of CPU time` }
            : {
                status: 'crashed',
                detail: `the part's process ended without a result (${why})${last ? `: ${last}` : ''}`,
              };
      }
      fs.rmSync(tmp, { recursive: true, force: true });
      resolve({ ...outcome, seconds: Math.round((Date.now() - start) / 100) / 10 });
    };
    // A process that could not start gives 'error' and maybe no 'close'.
    child.on('error', (e) => {
      finish({ status: 'crashed', detail: `could not start: ${e.message}` });
      if (!child.pid) settle(null, null);
    });
    child.on('close', settle);
  });
}
