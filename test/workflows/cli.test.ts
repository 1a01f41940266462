/** `slipway workflows run-local` (no server) and the workflow commands' input errors. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/temp.ts';

const work = tempFolder('slipway-run-local-');
after(() => work.cleanup());

const definition = {
  StartAt: 'Add',
  States: {
    Add: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'add', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: 'Scale',
    },
    Scale: { Type: 'Task', Resource: 'arn:aws:lambda:local:000000000000:function:scale', Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.sum', NumericGreaterThan: 100, Next: 'Big' }],
      Default: 'TooSmall',
    },
    Big: { Type: 'Succeed' },
    TooSmall: { Type: 'Fail', Error: 'Sum.TooSmall', Cause: 'the sum is 100 or less' },
  },
};

test('run-local runs a definition in memory with module and command functions', async () => {
  const file = join(work.path, 'definition.json');
  writeFileSync(file, JSON.stringify(definition));
  writeFileSync(
    join(work.path, 'add.ts'),
    'export const handler = (e: { a: number; b: number }) => ({ sum: e.a + e.b });\n',
  );
  const scale = join(work.path, 'scale.sh');
  writeFileSync(
    scale,
    '#!/bin/sh\nread -r event\necho "{\\"sum\\": $(echo "$event" | sed \'s/[^0-9]//g\')0}"\n',
    { mode: 0o755 },
  );
  const functions = ['--function', `add=${join(work.path, 'add.ts')}`, '--function', `scale=${scale}`];

  const ok = await runCli(['workflows', 'run-local', file, '--input', '{"a":7,"b":8}', ...functions]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { sum: 150 });

  const failed = await runCli(['workflows', 'run-local', file, '--input', '{"a":1,"b":2}', ...functions]);
  assert.equal(failed.code, 3, 'a failed execution is exit 3');
  assert.deepEqual(JSON.parse(failed.stdout), { error: 'Sum.TooSmall', cause: 'the sum is 100 or less' });

  const missing = await runCli(['workflows', 'run-local', file, '--input', '{"a":1,"b":2}']);
  assert.equal(missing.code, 3);
  assert.equal(JSON.parse(missing.stdout).error, 'Lambda.ResourceNotFoundException');

  const broken = join(work.path, 'broken.json');
  writeFileSync(broken, JSON.stringify({ ...definition, StartAt: 'Nope' }));
  const invalid = await runCli(['workflows', 'run-local', broken]);
  assert.equal(invalid.code, 2, 'a refused definition is a usage error');
  assert.match(invalid.stderr, /StartAt: state "Nope" does not exist/);
  const badInput = await runCli(['workflows', 'run-local', file, '--input', '{oops']);
  assert.match(badInput.stderr, /--input: is not valid JSON text/);
});
