/**
 * User-written expressions and patterns run with a budget: a JSONata expression that never ends
 * fails its state and leaves the server answering meanwhile, regexes in metric definitions and
 * JSONata run on a linear-time engine, and event type patterns are matched without a
 * backtracking regex — so none of them can stall the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileGlob, globPieces, matchesGlob } from '../../src/core/glob.ts';
import { MetricParser } from '../../src/training/metric-parser.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';
import { namesField } from '../helpers/wait.ts';
import { type Described, waitForExecution } from '../workflows/helpers.ts';

/** Thirty-odd characters that take `^(a+)+$` on a backtracking engine longer than the test may run. */
const catastrophic = `${'a'.repeat(40)}!`;

// Without the bounds these tests hang the process; the timeout turns that into a failure.
describe('bounded evaluation', { timeout: 120_000 }, () => {
  const work = tempFolder('slipway-bounded-');
  let slipway: TestSlipway;

  before(async () => {
    slipway = await startTestSlipway();
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  /** Creates workflow `name`, one JSONata Pass state with `output`, and starts execution `<name>-1`. */
  async function startPass(name: string, output: string): Promise<void> {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: output, End: true } },
    };
    await slipway.client().post('/api/v1/workflows', { name, definition });
    await slipway.client().post(`/api/v1/workflows/${name}/executions`, { name: `${name}-1`, input: {} });
  }

  test('a JSONata expression that never ends fails its state, and the server answers while it runs', async () => {
    const client = slipway.client();
    await startPass('forever', '{% ( $f := function($n) { $f($n + 1) }; $f(0) ) %}');
    // Answered while the expression is still being evaluated: the event loop is not held.
    const health = await fetch(`${slipway.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await client.get<Described>('/api/v1/executions/forever-1')).status, 'RUNNING');

    const done = await waitForExecution(client, 'forever-1');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.QueryEvaluationError');
    assert.match(done.cause, /timeout after \d+ milliseconds/);
  });

  test('JSONata recursion past the depth budget fails its state naming the overflow', async () => {
    await startPass('deep', '{% ( $f := function($n) { 1 + $f($n + 1) }; $f(0) ) %}');
    const done = await waitForExecution(slipway.client(), 'deep-1');
    assert.equal(done.error, 'States.QueryEvaluationError');
    assert.match(done.cause, /Stack overflow/);
  });

  test('JSONata regex literals run on the linear-time engine; one it cannot run is refused, naming the field', async () => {
    const client = slipway.client();
    await assert.rejects(
      client.post('/api/v1/workflows', {
        name: 'lookahead',
        definition: {
          QueryLanguage: 'JSONata',
          StartAt: 'Lookahead',
          States: { Lookahead: { Type: 'Pass', Output: '{% $match("ab", /a(?=b)/) %}', End: true } },
        },
      }),
      (error: Described) => {
        assert.equal(error.details.field, 'definition.States.Lookahead.Output');
        assert.match(error.message, /linear-time engine/);
        return true;
      },
    );
    await client.post('/api/v1/workflows', {
      name: 'regexes',
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Match',
        States: {
          Match: {
            Type: 'Pass',
            Output: {
              nested: '{% $exists($match($states.input.text, /^(a+)+$/)) %}',
              replaced: '{% $replace("a1b22", /[0-9]+/, "#") %}',
            },
            End: true,
          },
        },
      },
    });
    await client.post('/api/v1/workflows/regexes/executions', {
      name: 'regexes-1',
      input: { text: catastrophic },
    });
    const done = await waitForExecution(client, 'regexes-1');
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    assert.deepEqual(JSON.parse(done.output), { nested: false, replaced: 'a#b#' });
  });

  test('a metric regex that backtracks exponentially elsewhere reads a hostile log line at once', () => {
    const parser = new MetricParser(
      [
        { name: 'nested', regex: '^(a+)+$' },
        { name: 'loss', regex: 'loss=([0-9.]+)' },
      ],
      () => 0,
    );
    parser.accept(catastrophic);
    parser.accept('epoch 1 loss=0.25');
    assert.deepEqual(
      parser.drain().map((point) => [point.name, point.value]),
      [['loss', 0.25]],
    );
  });

  test('a metric regex the linear-time engine cannot run is refused, naming the field', async () => {
    const code = folderWith(work.path, 'code', { 'train.sh': 'echo accuracy=0.9\n' });
    await assert.rejects(
      slipway.client().post('/api/v1/training-jobs', {
        ...shellJob('lookahead', { code }),
        algorithmSpecification: {
          metricDefinitions: [{ name: 'accuracy', regex: 'accuracy=(?=[0-9])([0-9.]+)' }],
        },
      }),
      namesField('algorithmSpecification.metricDefinitions[0].regex'),
    );
    await slipway.client().post('/api/v1/training-jobs', {
      ...shellJob('hostile-log', {
        code: folderWith(work.path, 'hostile', { 'train.sh': `echo ${catastrophic}\n` }),
      }),
      algorithmSpecification: { metricDefinitions: [{ name: 'nested', regex: '^(a+)+$' }] },
    });
    const job = await waitForEnd(slipway.client(), 'hostile-log');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
  });

  test('the events API filters by a pattern of many stars like any other', async () => {
    const viewer = (
      await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'vic', role: 'viewer' })
    ).token;
    const listed = await slipway
      .client(viewer)
      .get<{ items: Described[] }>(`/api/v1/events?type=${encodeURIComponent(`${'*'.repeat(40)}#`)}`);
    assert.deepEqual(listed.items, []);
    const tokenEvents = await slipway
      .client(viewer)
      .get<{ items: Described[] }>('/api/v1/events?type=tok*.*ted');
    assert.ok(tokenEvents.items.length > 0, 'the token just created is an event');
    assert.ok(tokenEvents.items.every((event) => /^tok.*\..*ted$/.test(event.type)));
  });

  test('glob patterns: stars, escapes and where each piece may fall', () => {
    const cases: Array<[pattern: string, value: string, matches: boolean, escapes?: boolean]> = [
      ['training-job.*', 'training-job.completed', true],
      ['*.approved', 'model-package.approved', true],
      ['*', '', true],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'aXbYbZc', true],
      ['a*b*c', 'acb', false],
      ['ab*ba', 'aba', false],
      ['*ab*ab*', 'xabyab', true],
      ['*ab*ab*', 'xaby', false],
      ['exact', 'exact', true],
      ['exact', 'exactly', false],
      [`${'*'.repeat(40)}#`, 'a'.repeat(10_000), false],
      ['log-\\*.txt', 'log-*.txt', true, true],
      ['log-\\*.txt', 'log-1.txt', false, true],
      ['C:\\\\*', 'C:\\temp', true, true],
      ['a\\b*', 'a\\bc', true, true],
    ];
    for (const [pattern, value, expected, escapes] of cases)
      assert.equal(compileGlob(pattern, escapes)(value), expected, `${pattern} ~ ${value}`);
    assert.deepEqual(globPieces('a\\*b*c', true), ['a*b', 'c']);
    assert.equal(matchesGlob('abc', ['abc']), true);
  });
});
