/** The workflow SDK: ASL output, placeholders, CloudFormation, graphs, templates, and running through a server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findProblems } from '../../src/workflows/asl/index.ts';
import {
  Catch,
  Chain,
  Choice,
  ChoiceRule,
  ExecutionInput,
  Fail,
  InferencePipeline,
  LambdaStep,
  MapState,
  Parallel,
  Pass,
  type Placeholder,
  Retry,
  Succeed,
  Task,
  TrainingPipeline,
  TrainingStep,
  Wait,
  Workflow,
} from '../../src/workflows/sdk/index.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';

function sampleWorkflow() {
  const input = new ExecutionInput({ schema: { JobName: 'string', Threshold: 'number' } });
  const failed = new Fail('Failed', { error: 'Pipeline.Failed', cause: 'see $.error' });
  const train = new TrainingStep('Train', {
    estimator: {
      entryPoint: 'train.py',
      sourceDir: 'file:///code',
      hyperparameters: { C: 1, epochs: 3 },
      instanceType: 'ml.m5.large',
      role: 'arn:aws:iam::123456789012:role/SageMakerRole',
      metricDefinitions: [{ name: 'accuracy', regex: 'accuracy=([0-9.]+)' }],
    },
    jobName: input.JobName as Placeholder,
    data: { train: 's3://bucket/train/' },
    resultPath: '$.train',
  })
    .addRetry(
      new Retry({ errorEquals: ['States.TaskFailed'], intervalSeconds: 10, maxAttempts: 3, backoffRate: 2 }),
    )
    .addCatch(new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' }));
  const good = new Succeed('Good');
  const decide = new Choice('Decide')
    .addChoice(
      ChoiceRule.and(
        ChoiceRule.numericGreaterThanEqualsPath('$.accuracy', '$.threshold'),
        ChoiceRule.not(ChoiceRule.isNull('$.accuracy', true)),
      ),
      good,
    )
    .default(failed);
  const fan = new Parallel('Fan', { resultPath: '$.fan' })
    .addBranch(new Pass('A', { result: 1 }))
    .addBranch(Chain.of(new Wait('B1', { seconds: 1 }), new Pass('B2')));
  const each = new MapState('Each', {
    itemsPath: '$.items',
    maxConcurrency: 2,
    iterator: new Pass('Item'),
    resultPath: '$.each',
  });
  const chain = Chain.of(
    new Pass('Prepare', { parameters: { 'threshold.$': '$$.Execution.Input.Threshold', items: [1, 2] } }),
    fan,
    each,
    train,
    new Pass('Score', { result: 0.95, resultPath: '$.accuracy' }),
    decide,
  );
  return {
    workflow: new Workflow({
      name: 'sample',
      definition: chain,
      role: 'arn:aws:iam::123456789012:role/StatesRole',
    }),
    input,
  };
}

describe('workflow SDK: definitions', () => {
  it('builds valid ASL with placeholders, Retry, Catch, Choice rules, Parallel and Map', () => {
    const { workflow } = sampleWorkflow();
    const definition = workflow.definition();
    assert.deepEqual(findProblems(definition), []);
    assert.equal(definition.StartAt, 'Prepare');
    const train = definition.States.Train as Record<string, any>;
    assert.equal(train.Resource, 'arn:aws:states:::sagemaker:createTrainingJob.sync');
    assert.equal(train.Parameters['TrainingJobName.$'], "$$.Execution.Input['JobName']");
    assert.deepEqual(train.Parameters.HyperParameters, {
      C: '1',
      epochs: '3',
      sagemaker_program: 'train.py',
      sagemaker_submit_directory: 'file:///code',
    });
    assert.deepEqual(train.Parameters.InputDataConfig, [
      {
        ChannelName: 'train',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train/' } },
      },
    ]);
    assert.deepEqual(train.Retry, [
      { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2 },
    ]);
    assert.deepEqual(train.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Failed', ResultPath: '$.error' }]);
    assert.equal(train.Next, 'Score');
    assert.deepEqual(definition.States.Decide, {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.accuracy', NumericGreaterThanEqualsPath: '$.threshold' },
            { Not: { Variable: '$.accuracy', IsNull: true } },
          ],
          Next: 'Good',
        },
      ],
      Default: 'Failed',
    });
    const fan = definition.States.Fan as Record<string, any>;
    assert.equal(fan.Branches.length, 2);
    assert.deepEqual(fan.Branches[1].States.B1, { Type: 'Wait', Seconds: 1, Next: 'B2' });
    const each = definition.States.Each as Record<string, any>;
    assert.deepEqual(each.ItemProcessor, { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } });
    assert.equal(each.MaxConcurrency, 2);
    assert.deepEqual(definition.States.Failed, {
      Type: 'Fail',
      Error: 'Pipeline.Failed',
      Cause: 'see $.error',
    });
  });

  it('refuses mistakes early: unknown input keys, next after Succeed, Retry on a Pass, two steps with one name', () => {
    const { input } = sampleWorkflow();
    assert.throws(() => input.Jobname, /"Jobname" is not in the execution input schema/);
    assert.throws(
      () => input.validate({ JobName: 'x', Threshold: '0.9' }),
      /inputs\.Threshold: must be a number/,
    );
    assert.throws(() => new Succeed('S').next(new Pass('P')), /cannot have a next step/);
    assert.throws(() => new Pass('P').addRetry(new Retry({ errorEquals: ['States.ALL'] })), /has no Retry/);
    const clash = new Workflow({ name: 'clash', definition: Chain.of(new Pass('Same'), new Pass('Same')) });
    assert.throws(() => clash.definition(), /two different steps are named "Same"/);
    assert.throws(() => new Wait('W', {} as never), /exactly one of seconds/);
    assert.equal(ChoiceRule.stringMatches('$.name', 'log-*').toAsl().StringMatches, 'log-*');
    assert.throws(() => ChoiceRule.numericEquals('x', 1), /must be a path/);
  });

  it('exports CloudFormation with role ARNs as parameters, not hard-coded', () => {
    const { workflow } = sampleWorkflow();
    const template = workflow.toCloudFormation();
    const machine = template.Resources.StateMachineComponent;
    assert.equal(machine.Type, 'AWS::StepFunctions::StateMachine');
    assert.deepEqual(machine.Properties.RoleArn, { Ref: 'WorkflowRoleArn' });
    assert.deepEqual(Object.keys(template.Parameters).sort(), ['SageMakerRoleArn', 'WorkflowRoleArn']);
    const definitionString = machine.Properties.DefinitionString as string;
    assert.ok(!definitionString.includes('arn:aws:iam::'), 'no role ARN in the definition');
    assert.equal(JSON.parse(definitionString).States.Train.Parameters.RoleArn, `\${SageMakerRoleArn}`);
    assert.deepEqual(machine.Properties.DefinitionSubstitutions, {
      SageMakerRoleArn: { Ref: 'SageMakerRoleArn' },
    });
  });

  it('renders Mermaid and SVG graphs, coloured by an execution', () => {
    const { workflow } = sampleWorkflow();
    const mermaid = workflow.renderGraph({ format: 'mermaid' });
    assert.match(mermaid, /^flowchart TD/);
    assert.match(mermaid, /\["Train<br\/><i>Task<\/i>"\]/);
    assert.match(mermaid, /-\.->\|"catch States\.ALL"\|/);
    assert.match(mermaid, /subgraph g\d+ \["Fan branch 1"\]/);
    const events = [
      { type: 'ExecutionStarted' },
      { type: 'PassStateEntered', stateEnteredEventDetails: { name: 'Prepare' } },
      { type: 'PassStateExited', stateExitedEventDetails: { name: 'Prepare' } },
      { type: 'ParallelStateEntered', stateEnteredEventDetails: { name: 'Fan' } },
    ];
    const coloured = workflow.renderGraph({ format: 'mermaid', execution: { events } });
    const prepareId = /(n\d+)\["Prepare/.exec(coloured)![1];
    const fanId = /(n\d+)\["Fan/.exec(coloured)![1];
    assert.match(coloured, new RegExp(`class [n0-9,]*\\b${prepareId}\\b[n0-9,]* succeeded`));
    assert.match(coloured, new RegExp(`class [n0-9,]*\\b${fanId}\\b[n0-9,]* running`));
    const svg = workflow.renderGraph({ format: 'svg', execution: { events } });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /data-state="Prepare" data-status="succeeded"/);
    assert.match(svg, /data-state="Train" data-status="not-started"/);
    assert.equal((svg.match(/<rect /g) ?? []).length, Object.keys(workflow.definition().States).length + 4);
  });

  it('templates: TrainingPipeline and InferencePipeline emit their steps with Retry and Catch', () => {
    const estimator = { entryPoint: 'train.py', sourceDir: 'file:///code' };
    const training = new TrainingPipeline({
      name: 'tp',
      estimator,
      inputs: { train: 'file:///data' },
      prepareFunction: 'prepare',
      evaluateFunction: 'evaluate',
    }).definition();
    assert.deepEqual(Object.keys(training.States), [
      'Prepare',
      'Train',
      'PipelineFailed',
      'Evaluate',
      'Done',
    ]);
    for (const name of ['Prepare', 'Train', 'Evaluate']) {
      assert.equal(training.States[name]!.Catch![0]!.Next, 'PipelineFailed');
      assert.ok(training.States[name]!.Retry!.length > 0);
    }
    const inference = new InferencePipeline({
      name: 'ip',
      estimator,
      inputs: { train: 'file:///data' },
      role: 'arn:aws:iam::1:role/R',
    }).definition();
    assert.deepEqual(
      Object.values(inference.States).map((s) => s.Resource ?? s.Type),
      [
        'arn:aws:states:::sagemaker:createTrainingJob.sync',
        'arn:aws:states:::sagemaker:createModel',
        'Fail',
        'arn:aws:states:::sagemaker:createEndpointConfig',
        'arn:aws:states:::sagemaker:createEndpoint',
      ],
    );
    const model = inference.States.CreateModel as Record<string, any>;
    assert.equal(
      model.Parameters.PrimaryContainer['ModelDataUrl.$'],
      '$.train.ModelArtifacts.S3ModelArtifacts',
    );
    assert.equal(model.Parameters['ModelName.$'], "$$.Execution.Input['ModelName']");
    assert.equal(model.Parameters.ExecutionRoleArn, 'arn:aws:iam::1:role/R');
  });
});

describe('workflow SDK: through a server', () => {
  let slipway: TestSlipway;
  before(async () => {
    slipway = await startTestSlipway();
  });
  after(() => slipway.cleanup());

  it('deploys (create, then update), executes with inputs, waits, lists and renders progress', async () => {
    const client = slipway.client();
    const input = new ExecutionInput({ schema: { n: 'number' } });
    const big = new Pass('Big', { result: 'big' });
    const small = new Pass('Small', { result: 'small' });
    const build = (threshold: number) =>
      new Workflow({
        name: 'sdk-flow',
        client,
        executionInput: input,
        definition: Chain.of(
          new Pass('Read', { parameters: { n: input.n } }),
          new Choice('Size').addChoice(ChoiceRule.numericGreaterThan('$.n', threshold), big).default(small),
        ),
      });
    assert.equal((await build(10).deploy()).action, 'created');
    const updated = await build(100).deploy();
    assert.equal(updated.action, 'updated');
    assert.equal(updated.workflow.revision, 2);
    const workflow = build(100);
    await assert.rejects(workflow.execute({ inputs: { n: 'many' } }), /inputs\.n: must be a number/);
    const execution = await workflow.execute({ name: 'sdk-run', inputs: { n: 50 } });
    const done = await execution.wait({ intervalMs: 25, timeoutMs: 20_000 });
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(JSON.parse(done.output), 'small');
    assert.deepEqual(
      (await workflow.listExecutions()).map((e) => e.name),
      ['sdk-run'],
    );
    const progress = await execution.renderProgress('svg');
    assert.match(progress, /data-state="Small" data-status="succeeded"/);
    assert.match(progress, /data-state="Big" data-status="not-started"/);
    const task = new Task('T', { resource: 'arn:aws:states:::nope:x' });
    task.next(new LambdaStep('L', { functionName: 'some-function' }));
    await assert.rejects(
      new Workflow({ name: 'bad-task', client, definition: task }).create(),
      (error: { details: { field: string } }) => error.details.field === 'definition.States.T.Resource',
    );
  });
});
