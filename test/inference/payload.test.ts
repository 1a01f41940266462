/**
 * Predictions are written by hand on the serving path (JSON.stringify's generic walk cost several
 * times more); these check the text is exactly what JSON.stringify makes, whatever the values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPredictions, parseCsv } from '../../src/inference/payload.ts';

const awkward: Array<Record<string, unknown>> = [
  { label: 'male', probabilities: [0.187654, 0.812346] },
  { label: 3, probabilities: [1e-7, 0.9999999, 1.5e21] },
  { prediction: -0.5 },
  { prediction: [1, 2.25, -3e-9] },
  { label: 'quote " back \\ slash \n newline \u0001 control é 😀', probabilities: [] },
  {
    prediction: Number.NaN,
    other: Number.POSITIVE_INFINITY,
    list: [Number.NEGATIVE_INFINITY, undefined, null],
  },
  { skipped: undefined, flag: true, nothing: null, nested: { a: [1, 'b'] } },
  { '1': 'integer-like key first', label: 'then the rest', '"odd key"': 0 },
  {},
];

test('JSON predictions are byte for byte what JSON.stringify writes', () => {
  const formatted = formatPredictions(awkward, 'application/json');
  assert.equal(formatted.contentType, 'application/json');
  assert.equal(formatted.body, JSON.stringify({ predictions: awkward }));
  assert.equal(formatPredictions([], 'application/json').body, '{"predictions":[]}');
});

test('JSON Lines predictions are one JSON.stringify line per record', () => {
  const formatted = formatPredictions(awkward, 'application/jsonlines');
  assert.equal(formatted.contentType, 'application/jsonlines');
  assert.equal(formatted.body, `${awkward.map((record) => JSON.stringify(record)).join('\n')}\n`);
});

test('CSV rows: CRLF and LF line ends, blank lines skipped, quoted fields, numbers and labels', () => {
  assert.deepEqual(parseCsv('1,a,2.5\r\n\r\n"x, y",,-3\n'), [
    [1, 'a', 2.5],
    ['x, y', null, -3],
  ]);
});
