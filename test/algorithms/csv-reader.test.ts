import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readCsv } from '../../src/algorithms/data/csv-reader.ts';
import { cellText, columnByName } from '../../src/algorithms/data/dataset.ts';
import { NOT_A_NUMBER, parseNumber } from '../../src/algorithms/data/parse-number.ts';
import { isSlipwayError } from '../../src/core/errors.ts';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-csv-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('parseNumber agrees with Number() on decimal text', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      for (const text of [String(x), x.toFixed(6), x.toExponential(3)]) {
        const bytes = Buffer.from(text);
        assert.equal(parseNumber(bytes, 0, bytes.length), Number(text), text);
      }
    }),
  );
  for (const bad of ['', 'abc', '1.2.3', '0x10', '1e', '-', '.']) {
    const bytes = Buffer.from(bad);
    assert.equal(parseNumber(bytes, 0, bytes.length), NOT_A_NUMBER, bad);
  }
});

test('penguins: header detected, kinds inferred, NA read as missing', () => {
  const { dataset, header } = readCsv('test/fixtures/penguins.csv');
  assert.equal(header, true);
  assert.equal(dataset.rowCount, 344);
  const kinds = Object.fromEntries(dataset.columns.map((c) => [c.name, c.kind]));
  assert.deepEqual(kinds, {
    species: 'categorical',
    island: 'categorical',
    bill_length_mm: 'numeric',
    bill_depth_mm: 'numeric',
    flipper_length_mm: 'numeric',
    body_mass_g: 'numeric',
    sex: 'categorical',
    year: 'numeric',
  });
  const bill = columnByName(dataset, 'bill_length_mm')!;
  assert.equal(cellText(bill, 0), '39.1');
  assert.equal(cellText(bill, 3), null);
  const sex = columnByName(dataset, 'sex')!;
  assert.equal(sex.kind === 'categorical' && [...sex.categories].sort().join(','), 'female,male');
  assert.equal(cellText(sex, 3), null);
});

test('headerless numeric files, quotes, CRLF, chunk boundaries and late text all parse', () => {
  const lines = ['1,2.5,"x"', '0,-3e2,"a ""quoted"", multi\nline"', '1,,b'];
  for (let i = 0; i < 200; i++) lines.push(`${i % 2},${i / 4},c${i % 3}`);
  lines.push('0,7,late'); // fine: column 2 is text from the start
  const path = tempFile('d.csv', lines.join('\r\n') + '\r\n');
  // A tiny chunk forces records, and a quoted newline, to straddle chunk boundaries.
  const { dataset, header } = readCsv(path, { chunkSize: 64 });
  assert.equal(header, false);
  assert.equal(dataset.rowCount, 204);
  assert.deepEqual(
    dataset.columns.map((c) => `${c.name}:${c.kind}`),
    ['c0:numeric', 'c1:numeric', 'c2:categorical'],
  );
  assert.equal(cellText(dataset.columns[1], 1), '-300');
  assert.equal(cellText(dataset.columns[2], 1), 'a "quoted", multi\nline');
  assert.equal(cellText(dataset.columns[1], 2), null);
  assert.equal(cellText(dataset.columns[1], 203), '7');
});

test('a column that turns out to hold text beyond the sample becomes categorical', () => {
  const lines = ['a,b'];
  for (let i = 0; i < 1500; i++) lines.push(`${i},${i % 5}`);
  lines.push('1500,five');
  const { dataset } = readCsv(tempFile('late.csv', lines.join('\n')));
  assert.equal(dataset.columns[1].kind, 'categorical');
  assert.equal(cellText(dataset.columns[1], 1500), 'five');
  assert.equal(cellText(dataset.columns[1], 3), '3');
  assert.equal(dataset.columns[0].kind, 'numeric');
});

test('forced kinds reject text in a numeric column, naming the line', () => {
  const path = tempFile('v.csv', 'x,y\n1,2\nabc,3\n');
  assert.throws(
    () => readCsv(path, { kinds: { x: 'numeric' } }),
    (e: unknown) => isSlipwayError(e) && /v\.csv:3/.test(e.message) && /"x" must be numeric/.test(e.message),
  );
});

test('ragged rows are rejected with the line number', () => {
  const path = tempFile('r.csv', 'x,y\n1,2\n3\n');
  assert.throws(
    () => readCsv(path),
    (e: unknown) => isSlipwayError(e) && /r\.csv:3: expected 2 fields, found 1/.test(e.message),
  );
});
