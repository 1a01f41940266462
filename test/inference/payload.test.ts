/**
 * Request bodies and predictions. Predictions are written by hand on the serving path
 * (JSON.stringify's generic walk cost several times more); these check the text is exactly what
 * JSON.stringify makes of the same records, whatever the values. CSV is scanned in place; these
 * check it reads as splitting into lines and fields does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnnxPredictions } from '../../src/inference/backends/onnx-model.ts';
import { csvValue, formatPredictions, type PredictionRows, parseCsv } from '../../src/inference/payload.ts';

/** Plain records as PredictionRows: each row written by JSON.stringify, and as CSV field by field. */
function recordRows(records: Array<Record<string, unknown>>): PredictionRows {
  return {
    length: records.length,
    json: (row) => JSON.stringify(records[row]),
    csv: (row) => Object.values(records[row]!).map(csvValue).join(','),
  };
}

const records = [{ label: 'male', probabilities: [0.25, 0.75] }, { prediction: -0.5 }, {}];

test('JSON predictions: the rows inside {"predictions": […]}, as JSON.stringify writes the whole', () => {
  const formatted = formatPredictions(recordRows(records), 'application/json');
  assert.equal(formatted.contentType, 'application/json');
  assert.equal(formatted.body, JSON.stringify({ predictions: records }));
  assert.equal(formatPredictions(recordRows([]), 'application/json').body, '{"predictions":[]}');
  assert.equal(formatPredictions(recordRows(records), '*/*').body, formatted.body);
});

test('JSON Lines predictions: one line per row and a final newline', () => {
  const formatted = formatPredictions(recordRows(records), 'application/jsonlines');
  assert.equal(formatted.contentType, 'application/jsonlines');
  assert.equal(formatted.body, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
  assert.throws(() => formatPredictions(recordRows(records), 'application/xml'), /application\/xml/);
});

test('CSV rows: CRLF and LF line ends, blank lines skipped, quoted fields, numbers and labels', () => {
  assert.deepEqual(parseCsv('1,a,2.5\r\n\r\n"x, y",,-3\n'), [
    [1, 'a', 2.5],
    ['x, y', null, -3],
  ]);
});

test('CSV predictions: one line per record, lists spread, fields with commas or quotes quoted', () => {
  const formatted = formatPredictions(
    recordRows([
      { label: 'male', probabilities: [0.25, 0.75] },
      { label: 'a, "b"', probabilities: [Number.NaN, 1] },
      { prediction: -1.5 },
    ]),
    'text/csv',
  );
  assert.equal(formatted.contentType, 'text/csv');
  assert.equal(formatted.body, 'male,0.25,0.75\n"a, ""b""",NaN,1\n-1.5\n');
});

// A classifier's and two regressors' outputs, with the values that trip hand-written JSON.
const classifier = new OnnxPredictions(4, {
  labels: ['male', 'quote " and \\ and \n', 'é 😀', 'male'],
  probabilities: Float32Array.from([0.1, 0.9, Number.NaN, 1, Number.POSITIVE_INFINITY, -0, 1e-7, 1.5e21]),
  classes: 2,
  width: 1,
});
const numericLabels = new OnnxPredictions(2, {
  labels: BigInt64Array.from([3n, -1n]),
  probabilities: Float32Array.from([0.123456789, 0.876543211]),
  classes: 1,
  width: 1,
});
const regressor = new OnnxPredictions(2, {
  prediction: Float32Array.from([2.5, Number.NaN]),
  classes: 1,
  width: 1,
});
const multiOutput = new OnnxPredictions(2, {
  prediction: Float32Array.from([1, 2, 3, 4, 5, Number.NEGATIVE_INFINITY]),
  classes: 1,
  width: 3,
});

test('model outputs are written as exactly the text of their records, in every format', () => {
  for (const outputs of [classifier, numericLabels, regressor, multiOutput]) {
    const records = Array.from({ length: outputs.length }, (_, row) => outputs.record(row));
    for (const accept of ['application/json', 'application/jsonlines', 'text/csv']) {
      assert.deepEqual(formatPredictions(outputs, accept), formatPredictions(recordRows(records), accept));
    }
    assert.equal(
      formatPredictions(outputs, 'application/json').body,
      JSON.stringify({ predictions: records }),
    );
  }
  assert.deepEqual(numericLabels.record(0), { label: 3, probabilities: [0.123457] });
  assert.deepEqual(multiOutput.record(1), { prediction: [4, 5, Number.NEGATIVE_INFINITY] });
});

test('a batch is answered request by request: rows from…to of the model outputs', () => {
  const records = Array.from({ length: classifier.length }, (_, row) => classifier.record(row));
  for (const accept of ['application/json', 'application/jsonlines', 'text/csv']) {
    assert.deepEqual(
      formatPredictions(classifier, accept, 1, 3),
      formatPredictions(recordRows(records.slice(1, 3)), accept),
    );
  }
  assert.equal(formatPredictions(classifier, 'application/json', 2, 2).body, '{"predictions":[]}');
});

/** CSV as the reader is specified: split into lines, then fields; a number where Number reads one. */
function specifiedCsv(body: string): unknown[][] {
  const cell = (text: string) => {
    const trimmed = text.trim();
    if (trimmed === '') return null;
    return Number.isNaN(Number(trimmed)) ? trimmed : Number(trimmed);
  };
  return body
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map(cell));
}

test('CSV without quotes reads exactly as split into lines and fields, whatever the mix', () => {
  const pieces = [
    'a',
    '1',
    ' 2.5 ',
    '',
    ',',
    ',',
    '\n',
    '\r\n',
    '\r',
    ' ',
    'Infinity',
    'infinity',
    'NaN',
    'Adelie',
    '1e3',
    '0x1f',
    '-',
    'é',
    '\t',
  ];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    let body = '';
    const length = Math.floor(random() * 12);
    for (let j = 0; j < length; j++) body += pieces[Math.floor(random() * pieces.length)];
    const expected = specifiedCsv(body);
    if (expected.length === 0) {
      assert.throws(() => parseCsv(body), /no rows/, JSON.stringify(body));
      continue;
    }
    assert.deepEqual(parseCsv(body), expected, JSON.stringify(body));
    compared++;
  }
  assert.ok(compared > 1000);
});

test('CSV: a quoted line among plain ones, and an unclosed quote named by its line', () => {
  assert.deepEqual(parseCsv('1,2\n"a,b",3\n4,5'), [
    [1, 2],
    ['a,b', 3],
    [4, 5],
  ]);
  assert.throws(() => parseCsv('1,2\n\n"open,3\n'), /row 3: a quoted field is not closed/);
});
