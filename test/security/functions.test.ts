/**
 * Functions for lambda:invoke run user code on the server's host, so they are confined: only an
 * admin registers one; a command or module runs as a child process with a clean environment, a
 * time limit (its whole process group killed) and bounded output; a module never runs inside the
 * server's process, so a loop, a crash or a heap blow-up fails the state and nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SlipwayClient } from '../../src/sdk/client.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';
import { type Described, waitForExecution } from '../workflows/helpers.ts';

// Set before the server starts: a secret of the server's own environment that no function may see.
const marker = 'SLIPWAY_TEST_SERVER_SECRET';
process.env[marker] = 'server-secret-value';

const work = tempFolder('slipway-sec-functions-');
let slipway: TestSlipway;
let admin: SlipwayClient;
let scientist: SlipwayClient;
let folder: string;

before(async () => {
  slipway = await startTestSlipway();
  admin = slipway.client();
  const created = await admin.post<{ token: string }>('/api/v1/tokens', { name: 'sam', role: 'scientist' });
  scientist = slipway.client(created.token);
  folder = join(work.path, 'functions');
  folderWith(work.path, 'functions', {
    'whoami.ts':
      'export function handler() { return { pid: process.pid, secret: process.env.SLIPWAY_TEST_SERVER_SECRET ?? null, declared: process.env.GREETING ?? null }; }\n',
    'spin.ts': 'export function handler() { for (;;) {} }\n',
    'exit.ts': 'export function handler() { process.exit(3); }\n',
    'hog.ts':
      'export function handler() { const kept = []; for (;;) kept.push(new Array(1_000_000).fill(Math.random())); }\n',
    'noisy.mjs':
      'export async function handler(event) { console.log("a log line, not the result"); return { twice: event.n * 2 }; }\n',
  });
});
after(async () => {
  await slipway.cleanup();
  work.cleanup();
  delete process.env[marker];
});

/** Runs a one-state workflow that invokes `functionName` with `payload`; resolves with its end. */
async function invoke(name: string, functionName: string, payload: unknown = {}): Promise<Described> {
  await admin.post('/api/v1/workflows', {
    name,
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: functionName, Payload: payload },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    },
  });
  await admin.post(`/api/v1/workflows/${name}/executions`, { name: `${name}-run` });
  return waitForExecution(admin, `${name}-run`, undefined, { timeoutMs: 60_000 });
}

async function serverAnswers() {
  assert.ok((await admin.status()) !== undefined, 'the server still answers');
}

describe('functions are confined', () => {
  it('only an admin registers a function: a scientist gets 403 naming the role it needs', async () => {
    for (const spec of [
      { name: 'sci-command', command: ['/bin/sh', '-c', 'env'] },
      { name: 'sci-module', module: join(folder, 'whoami.ts') },
    ]) {
      await assert.rejects(scientist.post('/api/v1/functions', spec), (error: Described) => {
        assert.equal(error.kind, 'forbidden');
        assert.match(error.message, /admin/);
        return true;
      });
    }
    const listed = await scientist.get<{ items: Described[] }>('/api/v1/functions');
    assert.ok(!listed.items.some((f) => String(f.name).startsWith('sci-')), 'nothing was registered');
  });

  it('a command function gets a clean environment: PATH, HOME and what its spec declares', async () => {
    await admin.post('/api/v1/functions', {
      name: 'print-env',
      command: [
        process.execPath,
        '-e',
        'process.stdin.resume().on("end",()=>console.log(JSON.stringify(process.env)))',
      ],
      environment: { GREETING: 'hello' },
    });
    const done = await invoke('print-env-flow', 'print-env');
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const env = JSON.parse(done.output) as Record<string, string>;
    assert.equal(env[marker], undefined, 'the server environment does not leak');
    assert.equal(env.GREETING, 'hello');
    assert.ok(env.PATH, 'PATH is kept so the command finds its programs');
    for (const key of Object.keys(env))
      assert.ok(!/TOKEN|SECRET|PASSWORD|DATABASE_URL/.test(key), `${key} should not reach a function`);
  });

  it('a command that outlives its timeout fails with States.Timeout, its whole process group killed', async () => {
    const pidFile = join(work.path, 'grandchild.pid');
    await admin.post('/api/v1/functions', {
      name: 'sleeper',
      command: ['/bin/sh', '-c', `sleep 300 & echo $! > ${pidFile}; wait`],
      timeoutSeconds: 1,
    });
    const done = await invoke('sleeper-flow', 'sleeper');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.Timeout');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { what: `the background sleep (pid ${pid}) to be killed` },
    );
  });

  it('a command whose output passes the limit is stopped with States.DataLimitExceeded', async () => {
    // `yes` prints forever: without a bound on what is read the server would buffer it all.
    await admin.post('/api/v1/functions', { name: 'flood', command: ['yes'], timeoutSeconds: 120 });
    const done = await invoke('flood-flow', 'flood');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.DataLimitExceeded', done.cause);
    await serverAnswers();
  });

  it('a module function runs in its own process with a clean environment', async () => {
    await admin.post('/api/v1/functions', {
      name: 'whoami',
      module: join(folder, 'whoami.ts'),
      environment: { GREETING: 'hi' },
    });
    const done = await invoke('whoami-flow', 'whoami');
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output);
    assert.notEqual(output.pid, process.pid, 'the module is not imported into the server');
    assert.equal(output.secret, null, 'the server environment does not leak');
    assert.equal(output.declared, 'hi');
  });

  it('a module may log to stdout; its result is what the handler returns', async () => {
    await admin.post('/api/v1/functions', { name: 'noisy', module: join(folder, 'noisy.mjs') });
    const done = await invoke('noisy-flow', 'noisy', { n: 21 });
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    assert.deepEqual(JSON.parse(done.output), { twice: 42 });
  });

  it('an endless loop in a module fails with States.Timeout and the server keeps answering', async () => {
    await admin.post('/api/v1/functions', {
      name: 'spin',
      module: join(folder, 'spin.ts'),
      timeoutSeconds: 2,
    });
    const done = await invoke('spin-flow', 'spin');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.Timeout');
    await serverAnswers();
  });

  it('a module that exits the process fails the state, not the server', async () => {
    await admin.post('/api/v1/functions', { name: 'exit', module: join(folder, 'exit.ts') });
    const done = await invoke('exit-flow', 'exit');
    assert.equal(done.status, 'FAILED');
    assert.match(done.cause, /exit code 3/);
    await serverAnswers();
  });

  it('a module that passes its memory size fails the state, not the server', async () => {
    await admin.post('/api/v1/functions', { name: 'hog', module: join(folder, 'hog.ts'), memorySizeMb: 128 });
    const done = await invoke('hog-flow', 'hog');
    assert.equal(done.status, 'FAILED');
    assert.notEqual(done.error, 'States.Timeout', 'the heap limit stops it, not the clock');
    await serverAnswers();
  });

  it('limits are validated when a function is registered', async () => {
    await assert.rejects(
      admin.post('/api/v1/functions', { name: 'too-long', command: ['/bin/true'], timeoutSeconds: 100_000 }),
      (error: Described) =>
        error.details.field === 'timeoutSeconds' && !/not a known field/.test(error.message),
    );
    await assert.rejects(
      admin.post('/api/v1/functions', {
        name: 'bad-env',
        command: ['/bin/true'],
        environment: { 'A=B': 'x' },
      }),
      (error: Described) =>
        String(error.details.field).startsWith('environment') && !/not a known field/.test(error.message),
    );
  });
});
