/**
 * A part's sandbox (started by sandbox.ts, never by hand): computes one part's outputs from the
 * student's code and the public inputs, and sends them to the grader over a private channel.
 *
 * `node [permission flags] sandboxChild.js PARTS_MODULE PART_ID INPUTS_DIR` in the sandbox's
 * folder (sandboxTree.ts). File descriptor 3 is the channel: first the grader writes a random
 * token and a line break; the child reads it before any module of the parts or the student loads,
 * and frames its one reply with it: `CS231N-WIRE <token> <bytes>\n` then the encoding (wire.ts) of
 * `{ok: Wire}`, `{missing: message}` or `{error: message}`. The grader kills the child's process
 * group as soon as the reply is complete, so nothing the student's code does afterwards counts.
 * stdout and stderr are not read for the result (only the last lines of stderr, for a crash).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ComputeContext, Wire } from './gradingKit';
import { encodeWire } from './wire';

// Taken before any other module loads, so that nothing the student's code patches later
// (fs.writeSync, Buffer, JSON) reaches the token or the channel.
const writeSync = fs.writeSync;
const readSync = fs.readSync;
const bufferConcat = Buffer.concat;
const bufferFrom = Buffer.from;
const CHANNEL = 3;

/** Reads the token line from the channel (blocking; the grader writes it right after the spawn). */
function readToken(): string {
  const chunks: Buffer[] = [];
  const one = Buffer.alloc(1);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let n = 0; n < 200; ) {
    let got = 0;
    try {
      got = readSync(CHANNEL, one, 0, 1, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
      continue;
    }
    if (got === 0) break;
    if (one[0] === 0x0a) return bufferConcat(chunks).toString('latin1');
    chunks.push(bufferFrom(one));
    n++;
  }
  throw new Error('sandboxChild: no token on the channel');
}

const token = readToken();

function send(reply: { ok: Wire } | { missing: string } | { error: string }): void {
  let body: Buffer;
  try {
    body = encodeWire(reply as Wire);
  } catch (e) {
    body = encodeWire({ error: oneLine(e) });
  }
  const frame = bufferConcat([bufferFrom(`CS231N-WIRE ${token} ${body.length}\n`, 'latin1'), body]);
  for (let at = 0; at < frame.length; ) {
    try {
      at += writeSync(CHANNEL, frame, at, frame.length - at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/** An error as one line of at most 300 characters (`Name: message` unless a plain Error). */
function oneLine(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const text = `${err.name === 'Error' ? '' : `${err.name}: `}${String(err.message)}`;
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** A module path of the project (`lib/...`, no `..`), as the absolute path in this folder. */
function projectModule(root: string, module: string): string {
  const norm = path.posix.normalize(module);
  if (!/^lib(\/|$)/.test(norm) || norm.split('/').includes('..')) {
    throw new Error(`sandbox: load(${JSON.stringify(module)}): only modules under lib/ load`);
  }
  return path.join(root, norm);
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const [partsModule, partId, inputsDir] = process.argv.slice(2);
  try {
    const mod = require(path.join(root, partsModule)) as {
      allParts(): { id: string; kind?: string }[];
    };
    const part = mod.allParts().find((p) => p.id === partId);
    if (!part) throw new Error(`sandbox: unknown part ${partId}`);
    const ctx: ComputeContext = {
      load: <T>(module: string) => require(projectModule(root, module)) as T,
      input: <T>(name: string) => {
        if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
          throw new Error(`sandbox: input(${JSON.stringify(name)}): not an input name`);
        }
        return JSON.parse(fs.readFileSync(path.join(inputsDir, `${name}.json`), 'utf8')) as T;
      },
    };
    if (part.kind !== 'library') throw new Error(`sandbox: part ${partId} computes nothing here`);
    const value = (part as unknown as { compute(c: ComputeContext): Wire }).compute(ctx);
    send({ ok: value });
  } catch (e) {
    // A missing part says what to write, in the stub's own words (its message alone).
    if (e instanceof Error && e.name === 'NotImplementedError') {
      send({ missing: oneLine(new Error(String(e.message))) });
    } else send({ error: oneLine(e) });
  }
}

main();
