/** The Palmer Penguins fixture, rows with nulls dropped, split 80/20 with a fixed seed. */
import { readCsv } from '../../../src/algorithms/data/csv-reader.ts';
import { type Dataset, selectRows } from '../../../src/algorithms/data/dataset.ts';
import { seededRandom, shuffledIndices } from '../../../src/algorithms/random.ts';

export function penguinsSplit(): { train: Dataset; test: Dataset } {
  const { dataset } = readCsv('test/fixtures/penguins.csv');
  const complete: number[] = [];
  for (let i = 0; i < dataset.rowCount; i++) {
    const hasNull = dataset.columns.some((c) =>
      c.kind === 'numeric' ? Number.isNaN(c.values[i]) : c.codes[i] < 0,
    );
    if (!hasNull) complete.push(i);
  }
  const order = shuffledIndices(complete.length, seededRandom(7));
  const rows = Array.from(order, (k) => complete[k]);
  const cut = Math.floor(rows.length * 0.8);
  return { train: selectRows(dataset, rows.slice(0, cut)), test: selectRows(dataset, rows.slice(cut)) };
}
