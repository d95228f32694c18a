/**
 * Two small library parts for the sandbox's own test (sandbox.test.ts), in the compute/judge form
 * of the graded parts: they load `lib/student` of the project under test and read one input.
 */
import type {
  ComputeContext,
  LibraryPart,
  NotebookPart,
  Wire,
} from '../../tools/assignment/gradingKit';

interface Student {
  sum(x: number[]): number;
  scale(x: Float64Array, k: number): Float64Array;
}

const sum: LibraryPart = {
  kind: 'library',
  id: 'student:sum',
  title: 'sum',
  points: 1,
  file: 'lib/student.ts',
  timeoutMs: 20_000,
  compute(ctx: ComputeContext): Wire {
    const { numbers } = ctx.input<{ numbers: number[] }>('numbers');
    return ctx.load<Student>('lib/student').sum(numbers);
  },
  judge(result, answers) {
    const want = answers.answer<{ sum: number }>('numbers').sum;
    if (result !== want) throw new Error(`sum ${String(result)}, expected ${want}`);
    return `sum ${want}`;
  },
};

const scale: LibraryPart = {
  kind: 'library',
  id: 'student:scale',
  title: 'scale',
  points: 2,
  file: 'lib/student.ts',
  timeoutMs: 20_000,
  compute(ctx) {
    const { numbers } = ctx.input<{ numbers: number[] }>('numbers');
    const out = ctx.load<Student>('lib/student').scale(Float64Array.from(numbers), -2);
    return { shape: [out.length], data: Float64Array.from(out) };
  },
  judge(result, answers) {
    const want = answers.answer<{ scaled: number[] }>('numbers').scaled;
    const got = (result as { data: Float64Array }).data;
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-12)) throw new Error(`scaled[${i}] is ${got[i]}`);
    }
    return 'scaled';
  },
};

const notebook: NotebookPart = {
  kind: 'notebook',
  id: 'student:notebook',
  title: 'notebook prints the sum',
  points: 4,
  file: 'notebooks/student.ipynb',
  judge(nb, answers) {
    const want = answers.answer<{ sum: number }>('numbers').sum;
    const printed = nb.cells
      .flatMap((c) => (c.outputs ?? []) as { text?: string }[])
      .map((o) => o.text ?? '')
      .join('');
    if (!printed.includes(`sum ${want}`)) throw new Error(`never printed "sum ${want}"`);
    return 'printed';
  },
};

/** The parts, as the sandbox child finds them. */
export function allParts(): (LibraryPart | NotebookPart)[] {
  return [sum, scale, notebook];
}
