/**
 * Penguins data preparation, as in the walkthrough: drop rows with missing values and duplicates,
 * keep the features and the label (`sex`, first), and split 80/20 into train/ and test/ with a
 * fixed seed so every run (and the tests) see the same split.
 *
 *   npx tsx examples/penguins/prepare.ts [input.csv] [output-folder]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const columns = [
  'sex',
  'species',
  'island',
  'bill_length_mm',
  'bill_depth_mm',
  'flipper_length_mm',
  'body_mass_g',
];

export function preparePenguins(options: {
  input: string;
  output: string;
  testFraction?: number;
  seed?: number;
}) {
  const [header, ...lines] = readFileSync(options.input, 'utf8').trim().split('\n');
  const names = header!.split(',');
  const indices = columns.map((column) => {
    const index = names.indexOf(column);
    if (index === -1) throw new Error(`${options.input} has no column ${column}`);
    return index;
  });
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const row = indices.map((index) => cells[index]?.trim() ?? '');
    if (row.some((cell) => cell === '' || cell === 'NA')) continue;
    const text = row.join(',');
    if (seen.has(text)) continue;
    seen.add(text);
    rows.push(text);
  }
  const random = mulberry32(options.seed ?? 42);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  const testCount = Math.round(rows.length * (options.testFraction ?? 0.2));
  const write = (name: string, part: string[]) => {
    const file = join(options.output, name, `${name}.csv`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${columns.join(',')}\n${part.join('\n')}\n`);
    return file;
  };
  return {
    train: write('train', rows.slice(testCount)),
    test: write('test', rows.slice(0, testCount)),
    rows: rows.length,
    testRows: testCount,
  };
}

/** A small seeded generator: the split must be the same on every machine. */
function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const input = process.argv[2] ?? join(import.meta.dirname, 'data', 'penguins.csv');
  const output = process.argv[3] ?? join(import.meta.dirname, 'prepared');
  const result = preparePenguins({ input, output });
  console.log(
    `${result.rows} rows: ${result.rows - result.testRows} to ${result.train}, ${result.testRows} to ${result.test}`,
  );
}
