import { afterEach, describe, expect, it } from 'vitest';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../../lib/notebook/display';
import {
  accuracyFigure,
  lossFigure,
  trainingHistoryFigure,
  tuningFigure,
} from '../../lib/notebook/figures';
import { liveTrainingView } from '../../lib/notebook/liveView';
import { readPNG } from '../helpers/readPng';

let messages: { message: DisplayMessage; update: boolean }[] = [];
afterEach(() => {
  setDisplaySink(null);
  messages = [];
});
function captureDisplays() {
  setDisplaySink((message, update) => messages.push({ message, update }));
}

describe('figures', () => {
  it('plots the loss as markers per iteration, non-finite losses as gaps', () => {
    const fig = lossFigure([2.3, 2.1, Number.POSITIVE_INFINITY, Number.NaN, 1.5]);
    const [trace] = fig.data;
    expect(trace.mode).toBe('markers');
    expect(trace.x).toEqual([0, 1, 2, 3, 4]);
    expect(trace.y).toEqual([2.3, 2.1, null, null, 1.5]);
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });

  it('draws train / val accuracy with the dashed 0.5 line over the checks', () => {
    const fig = accuracyFigure([0.1, 0.3, 0.5], [0.12, 0.28, 0.41]);
    expect(fig.data.map((t) => t.name)).toEqual(['train', 'val', '0.5']);
    expect(fig.data[1].y).toEqual([0.12, 0.28, 0.41]);
    expect(fig.data[2].y).toEqual([0.5, 0.5, 0.5]);
    expect((fig.data[2].line as { dash: string }).dash).toBe('dash');
    expect(fig.layout.legend).toMatchObject({ xanchor: 'right', yanchor: 'bottom' });
  });

  it('puts loss and accuracy in two stacked subplots', () => {
    const fig = trainingHistoryFigure({
      lossHistory: [3, 2],
      trainAccHistory: [0.2, 0.4],
      valAccHistory: [0.1, 0.3],
    });
    expect(fig.data.map((t) => t.xaxis ?? 'x')).toEqual(['x', 'x2', 'x2', 'x2']);
    expect(() => trainingHistoryFigure({} as never)).toThrow(/trainingHistoryFigure: lossHistory/);
  });

  it('tabulates a sweep sorted by lr then reg and maps val acc over lr x reg', () => {
    const results = [
      { learningRate: 4e-2, reg: 1e-3, valAcc: 0.088 },
      { learningRate: 4e-4, reg: 3, valAcc: 0.487 },
      { learningRate: 4e-4, reg: 1e-3, valAcc: 0.531 },
      { learningRate: 4e-2, reg: 3, valAcc: 0.105 },
    ];
    const fig = tuningFigure(results);
    const table = fig.data[0] as { cells: { values: string[][] } };
    expect(table.cells.values).toEqual([
      ['4e-4', '4e-4', '0.04', '0.04'],
      ['1e-3', '3', '1e-3', '3'],
      ['0.531 (best)', '0.487', '0.088', '0.105'],
    ]);
    const heat = fig.data[1];
    expect(heat.x).toEqual(['4e-4', '0.04']);
    expect(heat.y).toEqual(['1e-3', '3']);
    expect(heat.z).toEqual([
      [0.531, 0.088],
      [0.487, 0.105],
    ]);
    expect(() => tuningFigure([])).toThrow(/tuningFigure: results must be a non-empty array/);
  });
});

describe('liveTrainingView', () => {
  it('updates one progress bar and one chart in place, throttled, and draws the final state', () => {
    captureDisplays();
    let clock = 0;
    const view = liveTrainingView({
      now: () => clock,
      barIntervalMs: 100,
      chartIntervalMs: 1000,
      printLog: false,
    });
    const numIterations = 50;
    for (let t = 1; t <= numIterations; t++) {
      clock += 10; // 10 ms per iteration
      view.onIteration({
        iteration: t,
        numIterations,
        epoch: Math.floor(t / 25),
        numEpochs: 2,
        loss: 3 - t / 50,
      });
      if (t % 25 === 0)
        view.onEpoch({ epoch: t / 25, numEpochs: 2, trainAcc: t / 100, valAcc: t / 110 });
    }
    view.onEnd({ iteration: 50, numIterations: 50, reason: 'done' });
    const ids = [...new Set(messages.map((m) => m.message.transient.display_id))];
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const mine = messages.filter((m) => m.message.transient.display_id === id);
      expect(mine.map((m) => m.update)).toEqual([false, ...mine.slice(1).map(() => true)]);
    }
    const [barId, chartId] = ids;
    const bars = messages.filter((m) => m.message.transient.display_id === barId);
    const charts = messages.filter((m) => m.message.transient.display_id === chartId);
    // 500 ms of training: bar at most every 100 ms (+ 2 checks + final), chart every 1 s (+ 2 + final)
    expect(bars.length).toBeLessThanOrEqual(5 + 2 + 1 + 1);
    expect(charts.length).toBeLessThanOrEqual(1 + 2 + 1);
    const lastBar = bars[bars.length - 1].message.data['text/plain'] as string;
    expect(lastBar).toContain('iteration 50 / 50');
    expect(lastBar).toContain('epoch 2 / 2');
    expect(lastBar).toContain('val acc 0.455 (best 0.455)');
    expect(lastBar).not.toContain('left');
    // SVG frames while training (the last one at the check after iteration 25), the Plotly figure
    // with its PNG as the last frame
    expect(charts.slice(0, -1).every((m) => 'image/svg+xml' in m.message.data)).toBe(true);
    const svg = charts[charts.length - 2].message.data['image/svg+xml'] as string;
    expect(svg.startsWith('<svg')).toBe(true);
    const lossDots = svg.match(/<path data-series="loss" d="([^"]*)"/);
    expect(lossDots?.[1].match(/h0/g)).toHaveLength(25); // one dot per loss so far
    const final = charts[charts.length - 1].message.data;
    expect(Object.keys(final).sort()).toEqual([
      PLOTLY_MIME,
      'image/png',
      'text/html',
      'text/plain',
    ]);
    expect(readPNG(Buffer.from(final['image/png'] as string, 'base64')).width).toBe(860);
    const lastFig = charts[charts.length - 1].message.data[PLOTLY_MIME] as {
      data: { y: number[] }[];
    };
    expect(lastFig.data[0].y).toHaveLength(50);
    expect(lastFig.data[0].y[49]).toBe(2);
    expect(lastFig.data[2].y).toEqual([25 / 110, 50 / 110].map((v) => Number(v.toPrecision(6))));
  });

  it('marks a run whose loss stopped being finite as diverged', () => {
    captureDisplays();
    const view = liveTrainingView({ chart: false, now: () => 0 });
    for (const [t, loss] of [
      [1, 2.3],
      [2, Number.POSITIVE_INFINITY],
      [3, Number.NaN],
    ]) {
      view.onIteration({ iteration: t, numIterations: 100, epoch: 0, numEpochs: 1, loss });
    }
    view.onEpoch({ epoch: 0, numEpochs: 1, trainAcc: 0.1, valAcc: 0.087 });
    const last = messages[messages.length - 1].message.data['text/plain'] as string;
    expect(last).toContain('iteration 3 / 100');
    expect(last).toContain('loss nan');
    expect(last).toContain('diverged at iteration 2');
    expect(last).not.toContain('left');
  });

  it('prints the log lines it is given', () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      liveTrainingView().log('(Iteration 1 / 10) loss: 2.302585');
    } finally {
      console.log = original;
    }
    expect(lines).toEqual(['(Iteration 1 / 10) loss: 2.302585']);
  });
});
