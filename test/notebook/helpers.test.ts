import { afterEach, describe, expect, it } from 'vitest';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../../lib/notebook/display';
import { plotTrainingHistory, showNetWeights, showTuningResults } from '../../lib/notebook/helpers';
import { rampWeightsModel } from '../helpers/rampWeights';
import { readPNG } from '../helpers/readPng';

let messages: DisplayMessage[] = [];
afterEach(() => {
  setDisplaySink(null);
  messages = [];
});
function capture(): void {
  setDisplaySink((message) => messages.push(message));
}

describe('showNetWeights', () => {
  it('shows a Plotly image and an image/png of the grid, enlarged to a readable size', () => {
    capture();
    showNetWeights(rampWeightsModel(4)); // grid_size 2: 2 * 32 + 3 = 67, shown 8x: 536
    expect(messages).toHaveLength(1);
    const { data } = messages[0]!;
    const png = readPNG(Buffer.from(data['image/png'] as string, 'base64'));
    expect([png.width, png.height, png.colourType]).toEqual([536, 536, 2]);
    expect(data['text/plain']).toContain('67x67 grid');
    const fig = data[PLOTLY_MIME] as { data: { type: string; source: string }[] };
    expect(fig.data[0]!.type).toBe('image');
    expect(fig.data[0]!.source).toBe(`data:image/png;base64,${data['image/png']}`);
    expect(Object.keys(data).sort()).toEqual([PLOTLY_MIME, 'image/png', 'text/plain']);
    // pixel (row 1, col 2) of image 0: d = 34 (c = 0), 255 * 34 / 3071 = 2.82 -> 2; it is the
    // 8x8 block at rows 8..15, columns 16..23 of the enlarged image
    for (const [r, c] of [
      [8, 16],
      [15, 23],
    ]) {
      expect(png.pixels[(r! * 536 + c!) * 3]).toBe(2);
    }
    // grid pixels (row 1, col 4) d = 36 -> 2.99 -> 2 and (row 1, col 5) d = 37 -> 3.07 -> 3 meet
    // between enlarged columns 39 and 40
    expect(png.pixels[(8 * 536 + 39) * 3]).toBe(2);
    expect(png.pixels[(8 * 536 + 40) * 3]).toBe(3);
  });
});

describe('plotTrainingHistory', () => {
  it('shows one chart whose text names the iterations, the checks and the last val acc', () => {
    capture();
    plotTrainingHistory({
      lossHistory: [2.3, 2.0, 1.7, 1.6, 1.4],
      trainAccHistory: [0.2, 0.35],
      valAccHistory: [0.18, 0.31],
    });
    expect(messages).toHaveLength(1);
    const { data } = messages[0]!;
    expect(data['text/plain']).toBe(
      '<Training loss (5 iterations) and accuracy (2 checks, last val acc 0.31)>',
    );
    const fig = data[PLOTLY_MIME] as { data: { y: (number | null)[] }[] };
    expect(fig.data[0]!.y).toEqual([2.3, 2.0, 1.7, 1.6, 1.4]);
    expect(data['image/svg+xml'] ?? data['image/png']).toBeDefined();
  });

  it('names itself when the history is missing', () => {
    capture();
    expect(() => plotTrainingHistory({} as never)).toThrow(/plotTrainingHistory: lossHistory/);
    expect(messages).toHaveLength(0);
  });
});

describe('showTuningResults', () => {
  it('shows the sweep with the best run in its text', () => {
    capture();
    showTuningResults([
      { learningRate: 1e-3, reg: 0.5, valAcc: 0.41 },
      { learningRate: 1e-4, reg: 0.25, valAcc: 0.47 },
      { learningRate: 1e-3, reg: 0.25, valAcc: 0.39 },
    ]);
    expect(messages).toHaveLength(1);
    const { data } = messages[0]!;
    expect(data['text/plain']).toBe('<Sweep of 3 runs; best val acc 0.47 at lr 1e-4, reg 0.25>');
    expect(data[PLOTLY_MIME]).toBeDefined();
  });

  it('refuses an empty sweep, naming itself', () => {
    expect(() => showTuningResults([])).toThrow(/showTuningResults: results/);
  });
});
