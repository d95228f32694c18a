/**
 * lib/core/displaySink.ts holds types only: the display message and the sink as the notebook
 * output (lib/notebook/display.ts) and the kernel channel (lib/core/runtime.ts) use them, checked by
 * the type checker (expectTypeOf), and one message passed through a sink set with setDisplaySink.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { DisplayMessage, DisplaySink, MimeBundle } from '../../lib/core/displaySink';
import { kernelDisplaySink } from '../../lib/core/runtime';
import * as display from '../../lib/notebook/display';

afterEach(() => {
  display.setDisplaySink(null);
});

describe('the display types', () => {
  it('a MimeBundle maps mimetypes to any data', () => {
    expectTypeOf<MimeBundle>().toEqualTypeOf<Record<string, unknown>>();
  });

  it('a DisplayMessage has data, metadata and an optional display id', () => {
    expectTypeOf<DisplayMessage['data']>().toEqualTypeOf<MimeBundle>();
    expectTypeOf<DisplayMessage['metadata']>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<DisplayMessage['transient']>().toEqualTypeOf<{ display_id?: string }>();
  });

  it('a DisplaySink takes a message and whether it updates an earlier one', () => {
    expectTypeOf<DisplaySink>().toEqualTypeOf<(message: DisplayMessage, update: boolean) => void>();
    expectTypeOf(kernelDisplaySink).returns.toEqualTypeOf<DisplaySink | null>();
    expectTypeOf(display.setDisplaySink).parameter(0).toEqualTypeOf<DisplaySink | null>();
  });

  it('are the types lib/notebook/display.ts re-exports and sends', () => {
    expectTypeOf<display.DisplayMessage>().toEqualTypeOf<DisplayMessage>();
    expectTypeOf<display.DisplaySink>().toEqualTypeOf<DisplaySink>();
    const got: Parameters<DisplaySink>[] = [];
    display.setDisplaySink((message, update) => got.push([message, update]));
    display.showFigure({ data: [], layout: {} }, '<an empty figure>');
    expect(got).toHaveLength(1);
    const [message, update] = got[0]!;
    expect(update).toBe(false);
    expect(message.data['text/plain']).toBe('<an empty figure>');
    expect(typeof message.metadata).toBe('object');
    expect(typeof message.transient).toBe('object');
  });
});
