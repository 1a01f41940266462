/** The CLI's tables: aligned columns, headers whose words stay apart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, sparkline } from '../../src/cli/output.ts';

test('a camelCase column is a hyphenated header, and columns align under it', () => {
  const table = formatTable(
    [
      { name: 'penguins', currentEndpointConfigName: 'penguins-2' },
      { name: 'b', currentEndpointConfigName: undefined },
    ],
    ['name', 'currentEndpointConfigName'],
  );
  assert.equal(
    table,
    ['NAME      CURRENT-ENDPOINT-CONFIG-NAME', 'penguins  penguins-2', 'b         -'].join('\n'),
  );
});

test('a sparkline draws the lowest value lowest and the highest highest, and averages a long series', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5, 5]), '▄▄▄', 'a flat series is a flat line');
  assert.equal(sparkline([1, Number.NaN, 3]), '▁ █', 'a missing value is a gap');
  const long = Array.from({ length: 400 }, (_, index) => (index < 200 ? 0 : 10));
  assert.equal(sparkline(long, 4), '▁▁██');
  assert.equal(sparkline([]), '');
});
