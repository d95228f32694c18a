/**
 * lib/core/runtime: where lib/ is, and the kernel display channel it picks (none here, Deno's when
 * a `Deno.jupyter` is there). The library under Deno itself: test/core/runtime.deno.test.ts.
 */
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelDisplaySink, LIB_DIR, runtimeInfo } from '../../lib/core/runtime';
import type { DisplayMessage } from '../../lib/notebook/display';

const g = globalThis as { Deno?: unknown };

afterEach(() => {
  delete g.Deno;
});

describe('runtime', () => {
  it('LIB_DIR is lib/ of this repository', () => {
    expect(LIB_DIR).toBe(path.resolve(__dirname, '..', '..', 'lib'));
  });

  it('names Node here, with its version', () => {
    expect(runtimeInfo()).toEqual({ name: 'node', version: process.versions.node });
  });

  it('has no display channel outside a kernel', () => {
    expect(kernelDisplaySink()).toBeNull();
  });

  it("sends displays and updates through Deno.jupyter.broadcast inside Deno's kernel", () => {
    const sent: Array<[string, Record<string, unknown>]> = [];
    g.Deno = {
      version: { deno: '2.9.6', typescript: '6.0.3', v8: '15.0' },
      jupyter: {
        broadcast: (type: string, content: Record<string, unknown>) => sent.push([type, content]),
      },
    };
    expect(runtimeInfo()).toEqual({ name: 'deno', version: '2.9.6' });
    const sink = kernelDisplaySink();
    expect(sink).not.toBeNull();
    const message: DisplayMessage = {
      data: { 'text/plain': 'x' },
      metadata: {},
      transient: { display_id: 'd1' },
    };
    sink!(message, false);
    sink!({ ...message, data: { 'text/plain': 'y' } }, true);
    expect(sent).toEqual([
      [
        'display_data',
        { data: { 'text/plain': 'x' }, metadata: {}, transient: { display_id: 'd1' } },
      ],
      [
        'update_display_data',
        { data: { 'text/plain': 'y' }, metadata: {}, transient: { display_id: 'd1' } },
      ],
    ]);
  });

  it('has no display channel under Deno outside its kernel (where Deno.jupyter throws)', () => {
    g.Deno = {
      version: { deno: '2.9.6', typescript: '6.0.3', v8: '15.0' },
      get jupyter(): never {
        throw new Error('Deno.jupyter is only available in `deno jupyter` subcommand');
      },
    };
    expect(kernelDisplaySink()).toBeNull();
  });
});
