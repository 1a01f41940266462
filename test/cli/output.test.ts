/** The CLI's tables: aligned columns, headers whose words stay apart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from '../../src/cli/output.ts';

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
