/** Task integrations through a real server: lambda:invoke, nested executions, HTTP, SageMaker training. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { type Described, historyOf, waitForExecution } from './helpers.ts';

const work = tempFolder('slipway-wf-integrations-');
let slipway: TestSlipway;
let http: Server;
let httpUrl: string;

before(async () => {
  slipway = await startTestSlipway();
  http = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url?.startsWith('/broken')) {
        response.writeHead(503).end('down for maintenance');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          method: request.method,
          url: request.url,
          token: request.headers['x-token'],
          body: JSON.parse(body || 'null'),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
after(async () => {
  await slipway.cleanup();
  await new Promise((resolve) => http.close(resolve));
  work.cleanup();
});

async function run(name: string, definition: unknown, input: unknown = {}) {
  const client = slipway.client();
  await client.post('/api/v1/workflows', { name, definition });
  await client.post(`/api/v1/workflows/${name}/executions`, { name: `${name}-run`, input });
  return waitForExecution(client, `${name}-run`, undefined, { timeoutMs: 60_000 });
}

describe('task integrations', () => {
  it('lambda:invoke calls a TypeScript module and a command, and catches a function error by its type', async () => {
    const client = slipway.client();
    const folder = join(work.path, 'functions');
    folderWith(work.path, 'functions', {
      'add.ts':
        'export async function handler(event: { a: number; b: number }) { return { sum: event.a + event.b }; }\n',
      'fail.ts':
        'class QuotaExceeded extends Error { name = "QuotaExceeded"; }\nexport function handler() { throw new QuotaExceeded("too many"); }\n',
    });
    await client.post('/api/v1/functions', { name: 'add', module: join(folder, 'add.ts') });
    await client.post('/api/v1/functions', { name: 'fail', module: join(folder, 'fail.ts') });
    await client.post('/api/v1/functions', {
      name: 'times-ten',
      command: [
        process.execPath,
        '-e',
        'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({ten:JSON.parse(s).sum*10})))',
      ],
    });
    await assert.rejects(
      client.post('/api/v1/functions', { name: 'both' }),
      /give exactly one of module or command/,
    );
    await assert.rejects(
      client.post('/api/v1/workflows', {
        name: 'no-function-name',
        definition: {
          StartAt: 'L',
          States: {
            L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {}, End: true },
          },
        },
      }),
      (error: Described) => error.details.field === 'definition.States.L.Parameters.FunctionName',
    );

    const done = await run(
      'lambdas',
      {
        StartAt: 'Add',
        States: {
          Add: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'add', 'Payload.$': '$' },
            ResultSelector: { 'sum.$': '$.Payload.sum' },
            Next: 'Times',
          },
          Times: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:local:000000000000:function:times-ten',
            ResultPath: '$.times',
            Next: 'Fail',
          },
          Fail: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'arn:aws:lambda:local:000000000000:function:fail' },
            Catch: [{ ErrorEquals: ['QuotaExceeded'], ResultPath: '$.caught', Next: 'Done' }],
            End: true,
          },
          Done: { Type: 'Succeed' },
        },
      },
      { a: 2, b: 3 },
    );
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output);
    assert.deepEqual(output.sum, 5);
    assert.deepEqual(output.times, { ten: 50 });
    assert.equal(output.caught.Error, 'QuotaExceeded');
    assert.equal(JSON.parse(output.caught.Cause).errorMessage, 'too many');
  });

  it('states:startExecution.sync:2 runs a nested workflow; a failing child fails the task', async () => {
    const client = slipway.client();
    await client.post('/api/v1/workflows', {
      name: 'child',
      definition: {
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericLessThan: 0, Next: 'Negative' }],
            Default: 'Square',
          },
          Square: { Type: 'Pass', Parameters: { 'square.$': 'States.MathAdd($.n, $.n)' }, End: true },
          Negative: { Type: 'Fail', Error: 'Child.Negative', Cause: 'n < 0' },
        },
      },
    });
    const done = await run('parent', {
      StartAt: 'Ok',
      States: {
        Ok: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: 'child', Input: { n: 4 } },
          ResultSelector: { 'out.$': '$.Output', 'status.$': '$.Status' },
          ResultPath: '$.ok',
          Next: 'Bad',
        },
        Bad: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: {
            StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child',
            Input: { n: -1 },
          },
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.bad', Next: 'End' }],
          End: true,
        },
        End: { Type: 'Succeed' },
      },
    });
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output);
    assert.deepEqual(output.ok, { out: { square: 8 }, status: 'SUCCEEDED' });
    const cause = JSON.parse(output.bad.Cause);
    assert.equal(cause.Status, 'FAILED');
    assert.equal(cause.Error, 'Child.Negative');
    const children = await client.get<{ items: Described[] }>('/api/v1/executions', {
      workflowName: 'child',
    });
    assert.equal(children.items.length, 2);
    assert.ok(children.items.every((c) => c.parentExecutionName === 'parent-run'));
  });

  it('http:invoke calls a loopback endpoint; a 503 is States.Http.StatusCode.503; other hosts are refused', async () => {
    const client = slipway.client();
    await assert.rejects(
      client.post('/api/v1/workflows', {
        name: 'outside',
        definition: {
          StartAt: 'H',
          States: {
            H: {
              Type: 'Task',
              Resource: 'arn:aws:states:::http:invoke',
              Parameters: { ApiEndpoint: 'https://example.com/x', Method: 'GET' },
              End: true,
            },
          },
        },
      }),
      (error: Described) => {
        assert.equal(error.details.field, 'definition.States.H.Parameters.ApiEndpoint');
        assert.match(error.message, /example\.com is not an allowed host/);
        return true;
      },
    );
    const done = await run(
      'caller',
      {
        StartAt: 'Post',
        States: {
          Post: {
            Type: 'Task',
            Resource: 'arn:aws:states:::http:invoke',
            Parameters: {
              ApiEndpoint: `${httpUrl}/hook`,
              Method: 'POST',
              Headers: { 'x-token': 'abc' },
              QueryParameters: { q: '1' },
              'RequestBody.$': '$',
            },
            ResultSelector: { 'status.$': '$.StatusCode', 'body.$': '$.ResponseBody' },
            Next: 'Broken',
          },
          Broken: {
            Type: 'Task',
            Resource: 'arn:aws:states:::http:invoke',
            Parameters: { ApiEndpoint: `${httpUrl}/broken`, Method: 'GET' },
            Catch: [{ ErrorEquals: ['States.Http.StatusCode.503'], ResultPath: '$.broken', Next: 'Done' }],
            ResultPath: '$.broken',
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      { hello: 'world' },
    );
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output);
    assert.equal(output.status, 200);
    assert.deepEqual(output.body, {
      method: 'POST',
      url: '/hook?q=1',
      token: 'abc',
      body: { hello: 'world' },
    });
    assert.equal(output.broken.Error, 'States.Http.StatusCode.503');
    assert.equal(output.broken.Cause, 'down for maintenance');
  });

  it('a distributed Map reads its items from the artifact store (ItemReader over a CSV file)', async () => {
    const folder = folderWith(work.path, 'items', {
      'rows.csv': 'species,mass\nAdelie,3750\nGentoo,5000\nChinstrap,3500\n',
    });
    const done = await run('reader', {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
            Parameters: { Uri: `${folder}/rows.csv` },
          },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Name',
            States: { Name: { Type: 'Pass', Parameters: { 'species.$': '$.species' }, End: true } },
          },
          End: true,
        },
      },
    });
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    assert.deepEqual(JSON.parse(done.output), [
      { species: 'Adelie' },
      { species: 'Gentoo' },
      { species: 'Chinstrap' },
    ]);
  });

  it('sagemaker:createTrainingJob.sync trains from a PascalCase request and returns the described job', async () => {
    const code = folderWith(work.path, 'code', {
      'train.sh':
        'echo "epochs=$SM_HP_EPOCHS"\necho "accuracy=0.93"\necho model > "$SM_MODEL_DIR/model.txt"\n',
    });
    const broken = folderWith(work.path, 'broken', { 'train.sh': 'echo boom >&2\nexit 3\n' });
    const request = (name: string, dir: string) => ({
      TrainingJobName: name,
      RoleArn: 'arn:aws:iam::123456789012:role/ignored',
      AlgorithmSpecification: {
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'accuracy', Regex: 'accuracy=([0-9.]+)' }],
      },
      HyperParameters: { sagemaker_program: 'train.sh', sagemaker_submit_directory: dir, EPOCHS: '3' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
    });
    const done = await run('trainer', {
      StartAt: 'Train',
      States: {
        Train: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
          Parameters: request('wf-train-ok', code),
          ResultSelector: {
            'status.$': '$.TrainingJobStatus',
            'model.$': '$.ModelArtifacts.S3ModelArtifacts',
            'metrics.$': '$.FinalMetricDataList',
            'epochs.$': '$.HyperParameters.EPOCHS',
          },
          ResultPath: '$.train',
          Next: 'TrainBroken',
        },
        TrainBroken: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
          Parameters: request('wf-train-broken', broken),
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failed', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output);
    assert.equal(output.train.status, 'Completed');
    assert.equal(output.train.epochs, '3');
    assert.match(output.train.model, /wf-train-ok\/output\/model\.tar\.gz$/);
    assert.equal(output.train.metrics[0].MetricName, 'accuracy');
    assert.equal(output.train.metrics[0].Value, 0.93);
    const failed = JSON.parse(output.failed.Cause);
    assert.equal(failed.TrainingJobStatus, 'Failed');
    assert.match(failed.FailureReason, /exit code 3/);
    const events = await historyOf(slipway.client(), 'trainer-run');
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
    assert.equal(scheduled.taskScheduledEventDetails.resourceType, 'sagemaker');
    assert.equal(scheduled.taskScheduledEventDetails.resource, 'createTrainingJob.sync');
  });

  it('aws-sdk:sagemaker:createModelPackage registers a trained job PendingManualApproval and refuses self-approval', async () => {
    const client = slipway.client();
    await client.post('/api/v1/model-package-groups', { modelPackageGroupName: 'wf-candidates' });
    const register = (extra: Record<string, unknown>) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:createModelPackage',
      Parameters: { ModelPackageGroupName: 'wf-candidates', TrainingJobName: 'wf-train-ok', ...extra },
    });
    const done = await run('registrar', {
      StartAt: 'Register',
      States: {
        Register: { ...register({}), ResultPath: '$.registered', Next: 'SelfApprove' },
        SelfApprove: {
          ...register({ ModelApprovalStatus: 'Approved' }),
          Catch: [
            { ErrorEquals: ['SageMaker.ValidationException'], ResultPath: '$.refused', Next: 'NoGroup' },
          ],
          Next: 'NoGroup',
        },
        NoGroup: {
          ...register({ ModelPackageGroupName: 'no-such-group' }),
          Catch: [{ ErrorEquals: ['SageMaker.ResourceNotFound'], ResultPath: '$.missing', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output);
    assert.equal(output.registered.ModelPackageVersion, 1);
    assert.equal(output.registered.ModelApprovalStatus, 'PendingManualApproval');
    assert.equal(output.registered.Metrics.accuracy, 0.93, 'the version carries the job’s metric');
    assert.match(output.refused.Cause, /PendingManualApproval/);
    assert.match(output.missing.Cause, /no-such-group/);
    const versions = await client.get<{ items: unknown[] }>(
      '/api/v1/model-packages?modelPackageGroupName=wf-candidates',
    );
    assert.equal(versions.items.length, 1, 'the refused request registered nothing');
  });
});
