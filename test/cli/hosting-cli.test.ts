/** `slipway models / endpoints / invoke` as a user types them, against a real server. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';

const server = join(import.meta.dirname, '..', 'fixtures', 'hosting', 'sum-model-server.mjs');

describe('slipway models / endpoints / invoke', () => {
  let slipway: TestSlipway;
  let env: NodeJS.ProcessEnv;
  const work = tempFolder('slipway-hosting-cli-');

  before(async () => {
    slipway = await startTestSlipway();
    env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken };
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test('create a model and an endpoint, invoke it, change weights, delete it', async () => {
    const model = await runCli(
      [
        'models',
        'create',
        '--name',
        'summer',
        '--command',
        process.execPath,
        server,
        '--model-data',
        folderWith(work.path, 'm', { 'x.txt': 'x' }),
      ],
      env,
    );
    assert.equal(model.code, 0, model.stderr);
    assert.match(model.stdout, /created model summer \(container\)/);

    const endpoint = await runCli(['endpoints', 'create', 'sums', '--model', 'summer', '--wait'], env);
    assert.equal(endpoint.code, 0, endpoint.stderr);
    assert.match(endpoint.stdout, /sums: InService/);

    const answer = await runCli(['invoke', 'sums', '--body', '1,2\n3,4\n', '--accept', 'text/csv'], env);
    assert.equal(answer.code, 0, answer.stderr);
    assert.equal(answer.stdout, '3\n7\n');
    assert.match(answer.stderr, /variant: AllTraffic/);

    const refused = await runCli(['invoke', 'sums', '--body', 'x,y\n'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /rows must be numbers/);

    const weights = await runCli(['endpoints', 'update-weights', 'sums', '--instances', 'AllTraffic=2'], env);
    assert.equal(weights.code, 0, weights.stderr);
    const listed = await runCli(['endpoints', 'list'], env);
    assert.match(listed.stdout, /sums\s+(InService|Updating)/);

    const deleted = await runCli(['endpoints', 'delete', 'sums'], env);
    assert.match(deleted.stdout, /deleting sums/);

    const described = await runCli(['models', 'describe', 'summer'], env);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^modelName: summer$/m);
    const configs = JSON.parse((await runCli(['--json', 'endpoint-configs', 'list'], env)).stdout);
    const configName = configs[0].endpointConfigName;
    const config = JSON.parse(
      (await runCli(['--json', 'endpoint-configs', 'describe', configName], env)).stdout,
    );
    assert.equal(config.productionVariants[0].modelName, 'summer');
    const removed = await runCli(['endpoint-configs', 'delete', configName], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`deleted ${configName}`));
    const gone = await runCli(['models', 'delete', 'summer'], env);
    assert.equal(gone.code, 0, gone.stderr);
    const missing = await runCli(['models', 'describe', 'summer'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /summer/);
  });
});
