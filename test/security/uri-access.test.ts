/**
 * Every URI a request names resolves inside allowed roots: the artifact store, the data roots,
 * and in single-user mode the user's own folders — never the server's home or system files, and
 * not through a symlink. In team mode (a non-admin token exists) only the store and the data roots.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isSlipwayError } from '../../src/core/errors.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob } from '../helpers/training.ts';
import { waitForExecution } from '../workflows/helpers.ts';

const work = tempFolder('slipway-uri-access-');
let code: string;

before(() => {
  code = folderWith(work.path, 'code', { 'train.sh': 'echo trained\n' });
});
after(() => work.cleanup());

/** The validation error a create answers, as `{ field, message }`. */
async function refusal(request: Promise<unknown>): Promise<{ field: string; message: string }> {
  try {
    await request;
  } catch (error) {
    assert.ok(isSlipwayError(error), String(error));
    assert.equal(error.kind, 'validation', error.message);
    return { field: String(error.details.field), message: error.message };
  }
  assert.fail('the request was accepted');
}

const channel = (uri: string) => ({
  inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3Uri: uri } } }],
});

describe('single-user mode (only an admin token)', () => {
  let slipway: TestSlipway;
  before(async () => {
    slipway = await startTestSlipway();
  });
  after(() => slipway.cleanup());

  it('says so in /status', async () => {
    const status = await slipway.client().status();
    assert.equal(status.trustMode.mode, 'single-user');
    assert.match(status.trustMode.reason, /only admin tokens/);
  });

  it('refuses system files, the server home and its admin token as channels, naming the field', async () => {
    const client = slipway.client();
    const field = 'inputDataConfig[0].dataSource.s3DataSource.s3Uri';
    for (const uri of ['file:///etc/shadow', 'file:///proc/self/environ']) {
      const refused = await refusal(
        client.post('/api/v1/training-jobs', shellJob('steal', { code, extra: channel(uri) })),
      );
      assert.equal(refused.field, field);
      assert.match(refused.message, /outside your own folders/);
    }
    const token = pathToFileURL(join(slipway.home, 'admin-token')).href;
    const refused = await refusal(
      client.post('/api/v1/training-jobs', shellJob('steal', { code, extra: channel(token) })),
    );
    assert.equal(refused.field, field);
    assert.match(refused.message, /server’s home/);
  });

  it('follows symlinks before deciding: a link to /etc inside an own folder is refused', async () => {
    const folder = join(work.path, 'linked');
    mkdirSync(folder, { recursive: true });
    symlinkSync('/etc', join(folder, 'etc'));
    symlinkSync(join(slipway.home, 'admin-token'), join(folder, 'token'));
    for (const target of ['etc/passwd', 'token']) {
      const uri = pathToFileURL(join(folder, target)).href;
      const refused = await refusal(
        slipway.client().post('/api/v1/training-jobs', shellJob('linked', { code, extra: channel(uri) })),
      );
      assert.match(refused.message, /outside your own folders|server’s home/);
    }
  });

  it('refuses model data and output paths outside the roots (no hash oracle, no stray writes)', async () => {
    const client = slipway.client();
    const model = await refusal(
      client.post('/api/v1/models', {
        modelName: 'oracle',
        primaryContainer: { image: 'slipway/sklearn', modelDataUrl: 'file:///etc/shadow' },
      }),
    );
    assert.equal(model.field, 'primaryContainer.modelDataUrl');
    const output = await refusal(
      client.post(
        '/api/v1/training-jobs',
        shellJob('writer', { code, extra: { outputDataConfig: { s3OutputPath: 'file:///etc/slipway' } } }),
      ),
    );
    assert.equal(output.field, 'outputDataConfig.s3OutputPath');
  });

  it('a Map state cannot read /etc/passwd through its ItemReader', async () => {
    const client = slipway.client();
    await client.post('/api/v1/workflows', {
      name: 'reader',
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemReader: {
              Resource: 'arn:aws:states:::s3:getObject',
              ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
              Parameters: { Uri: 'file:///etc/passwd' },
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Echo',
              States: { Echo: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      },
    });
    await client.post('/api/v1/workflows/reader/executions', { name: 'reader-run', input: {} });
    const done = await waitForExecution(client, 'reader-run');
    assert.equal(done.status, 'FAILED');
    assert.doesNotMatch(JSON.stringify(done), /root:/);
    assert.match(String(done.cause), /outside your own folders/);
  });

  it('accepts a channel in an own folder (the walkthrough’s case)', async () => {
    const data = folderWith(work.path, 'data', { 'train.csv': 'a,b\n1,2\n' });
    const created = await slipway
      .client()
      .post<{ trainingJobName: string }>(
        '/api/v1/training-jobs',
        shellJob('allowed', { code, extra: channel(data) }),
      );
    assert.equal(created.trainingJobName, 'allowed');
  });
});

describe('team mode (a scientist token exists)', () => {
  let slipway: TestSlipway;
  let dataRoot: string;
  let scientist: string;
  before(async () => {
    dataRoot = join(work.path, 'team-data');
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(join(dataRoot, 'train.csv'), 'a,b\n1,2\n');
    slipway = await startTestSlipway({
      config: { dataRoots: [pathToFileURL(dataRoot).href], allowProcessRuntime: true },
    });
    const created = await slipway
      .client()
      .post<{ token: string }>('/api/v1/tokens', { name: 'sam', role: 'scientist' });
    scientist = created.token;
  });
  after(() => slipway.cleanup());

  it('switches to team as soon as the token exists, and says why', async () => {
    const status = await slipway.client(scientist).status();
    assert.equal(status.trustMode.mode, 'team');
    assert.match(status.trustMode.reason, /other than an admin/);
    assert.deepEqual(status.trustMode.dataRoots, [pathToFileURL(dataRoot).href]);
  });

  it('refuses an own folder that is not a data root, and accepts the data root', async () => {
    const elsewhere = folderWith(work.path, 'elsewhere', { 'train.csv': 'a,b\n1,2\n' });
    const client = slipway.client(scientist);
    const refused = await refusal(
      client.post('/api/v1/training-jobs', shellJob('outside', { code, extra: channel(elsewhere) })),
    );
    assert.match(refused.message, /outside the artifact store and the data roots/);
    // The code folder is outside the data roots too; in team mode it must come from one.
    const teamCode = join(dataRoot, 'code');
    mkdirSync(teamCode, { recursive: true });
    writeFileSync(join(teamCode, 'train.sh'), 'echo trained\n');
    const created = await client.post<{ trainingJobName: string }>(
      '/api/v1/training-jobs',
      shellJob('inside', {
        code: pathToFileURL(teamCode).href,
        extra: channel(pathToFileURL(join(dataRoot, 'train.csv')).href),
      }),
    );
    assert.equal(created.trainingJobName, 'inside');
  });

  it('goes back to single-user when the last non-admin token is revoked', async () => {
    const client = slipway.client();
    const tokens = await client.get<{ items: Array<{ id: string; role: string }> }>('/api/v1/tokens');
    for (const token of tokens.items.filter((t) => t.role !== 'admin'))
      await client.delete(`/api/v1/tokens/${token.id}`);
    assert.equal((await client.status()).trustMode.mode, 'single-user');
  });
});
