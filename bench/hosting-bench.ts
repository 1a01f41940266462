/**
 * The data plane under load (autocannon, in one run, each server in its own process):
 *   Slipway: the penguins linear-learner ONNX endpoint, data capture on (100% sampled);
 *   ceiling: a bare node:http server answering a constant JSON;
 *   peer: the SageMaker scikit-learn serving stack, Flask under gunicorn, with the walkthrough's
 *   scikit-learn model and handlers.
 * Each is driven to its peak: runs at several connection counts (a server that hands requests to a
 * model thread needs more in flight to fill its pipeline than one answering a constant, which does
 * best with few), and its peak is the best count's median over `rounds` rounds. The counts must
 * bracket every peak: a best count at the top of the sweep is flagged in the report, since the
 * peak may lie beyond it. Slipway and the bare server take turns at every count (this machine's
 * speed drifts by half within minutes). Then each runs at 50% of its peak, at its peak's
 * connection count, for the p99 latency.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { preparePenguins } from '../examples/penguins/prepare.ts';
import { freePort } from '../src/inference/backends/free-port.ts';
import { SlipwayClient } from '../src/sdk/client.ts';
import { tempFolder } from '../test/helpers/temp.ts';
import type { BenchResult } from './run.ts';
import { fixed, median } from './stats.ts';

const root = join(import.meta.dirname, '..');
const token = 'slw_bench-token-0123456789abcdef';
const row = 'Adelie,Torgersen,39.1,18.7,181,3750';
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const connectionCounts = (process.env.BENCH_CONNECTIONS ?? '16,32,64,128,256').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

interface Load {
  requestsPerSecond: number;
  p99: number;
  errors: Errors;
}

/** autocannon's failed requests by kind: no answer in time, an answer other than 2xx, a broken connection. */
interface Errors {
  timeouts: number;
  non2xx: number;
  connection: number;
}

function totalErrors(loads: Load[]): Errors {
  const total: Errors = { timeouts: 0, non2xx: 0, connection: 0 };
  for (const { errors } of loads) {
    total.timeouts += errors.timeouts;
    total.non2xx += errors.non2xx;
    total.connection += errors.connection;
  }
  return total;
}

async function drive(target: Target, connections: number, rate?: number): Promise<Load> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: target.headers,
    body: `${row}\n`,
    connections,
    duration: durationSeconds,
    ...(rate ? { overallRate: Math.max(1, Math.floor(rate)) } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p99: result.latency.p99,
    // autocannon counts timeouts among its errors.
    errors: { timeouts: result.timeouts, non2xx: result.non2xx, connection: result.errors - result.timeouts },
  };
}

async function waitForHttp(url: string, init: RequestInit = {}): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
}

interface Measured {
  label: string;
  /** Median requests/s over the rounds, by connection count. */
  byConnections: Map<number, number>;
  peak: number;
  peakConnections: number;
  p99AtHalf: number;
  errors: Errors;
}

/**
 * Every target at every connection count, taking turns, `turns` times; then each target at 50% of
 * its peak for the latency.
 */
async function measure(targets: Target[], turns: number): Promise<Measured[]> {
  const runs = targets.map(() => new Map<number, Load[]>(connectionCounts.map((count) => [count, []])));
  for (let round = 0; round < turns; round++) {
    for (const count of connectionCounts) {
      for (const [i, target] of targets.entries()) runs[i]!.get(count)!.push(await drive(target, count));
    }
  }
  const measured: Measured[] = [];
  for (const [i, target] of targets.entries()) {
    const byConnections = new Map<number, number>();
    for (const [count, loads] of runs[i]!) {
      byConnections.set(count, median(loads.map((load) => load.requestsPerSecond)));
    }
    const [peakConnections, peak] = [...byConnections].reduce((best, entry) =>
      entry[1] > best[1] ? entry : best,
    );
    const half = await drive(target, peakConnections, peak / 2);
    measured.push({
      label: target.label,
      byConnections,
      peak,
      peakConnections,
      p99AtHalf: half.p99,
      errors: totalErrors([...[...runs[i]!.values()].flat(), half]),
    });
  }
  return measured;
}

export async function runHostingBench(): Promise<BenchResult> {
  const work = tempFolder('slipway-bench-hosting-');
  const children: ChildProcess[] = [];
  try {
    const data = preparePenguins({
      input: join(root, 'examples', 'penguins', 'data', 'penguins.csv'),
      output: join(work.path, 'data'),
    });
    const csvHeaders = { 'content-type': 'text/csv', accept: 'application/json' };

    // Slipway, trained and deployed through its own API.
    const home = join(work.path, 'home');
    const port = await freePort();
    const slipway = start(process.execPath, [join(root, 'bin', 'slipway.js'), 'up'], {
      SLIPWAY_HOME: home,
      SLIPWAY_PORT: String(port),
      SLIPWAY_ADMIN_TOKEN: token,
      SLIPWAY_LOG_LEVEL: 'warn',
    });
    children.push(slipway);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`);
    const client = new SlipwayClient({ url, token });
    await client.post('/api/v1/training-jobs', {
      trainingJobName: 'penguins-linear',
      algorithmSpecification: { algorithmName: 'linear-learner' },
      hyperParameters: { predictor_type: 'binary_classifier', label: 'sex' },
      inputDataConfig: [
        { channelName: 'train', dataSource: { s3DataSource: { s3Uri: pathToFileURL(data.train).href } } },
      ],
    });
    let job: Record<string, any>;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await client.get(`/api/v1/training-jobs/penguins-linear`);
    } while (job.trainingJobStatus === 'InProgress');
    if (job.trainingJobStatus !== 'Completed') throw new Error(`training failed: ${job.failureReason}`);
    await client.post('/api/v1/models', {
      modelName: 'penguins-onnx',
      primaryContainer: { modelDataUrl: job.modelArtifacts.s3ModelArtifacts },
    });
    await client.post('/api/v1/endpoint-configs', {
      endpointConfigName: 'penguins-onnx',
      productionVariants: [
        { variantName: 'AllTraffic', modelName: 'penguins-onnx', initialInstanceCount: 1 },
      ],
      dataCaptureConfig: {
        initialSamplingPercentage: 100,
        destinationS3Uri: pathToFileURL(join(work.path, 'capture')).href,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      },
    });
    await client.post('/api/v1/endpoints', { endpointName: 'penguins', endpointConfigName: 'penguins-onnx' });
    await waitForHttp(`${url}/endpoints/penguins/ping`, { headers: { authorization: `Bearer ${token}` } });

    // The ceiling: a bare node:http server with a constant answer.
    const barePort = await freePort();
    const bare = start(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/json'});s.end('{"predictions":[{"label":"male","probabilities":[0.1,0.9]}]}')})}).listen(${barePort},'127.0.0.1')`,
      ],
      {},
    );
    children.push(bare);
    await waitForHttp(`http://127.0.0.1:${barePort}/`, { method: 'POST', body: 'x' });
    const [slipwayResult, bareResult] = (await measure(
      [
        {
          label: 'Slipway ONNX endpoint (capture on)',
          url: `${url}/endpoints/penguins/invocations`,
          headers: { ...csvHeaders, authorization: `Bearer ${token}` },
        },
        { label: 'bare node:http, constant JSON', url: `http://127.0.0.1:${barePort}/`, headers: csvHeaders },
      ],
      rounds,
    )) as [Measured, Measured];
    await stop(slipway);
    await stop(bare);

    // The peer: Flask under gunicorn with the scikit-learn model and the walkthrough's handlers.
    const modelDir = join(work.path, 'sklearn-model');
    mkdirSync(modelDir);
    const trainer = start('/usr/bin/python3', [join(root, 'examples', 'penguins', 'code', 'train.py')], {
      SM_MODEL_DIR: modelDir,
      SM_CHANNEL_TRAIN: join(work.path, 'data', 'train'),
    });
    await once(trainer, 'exit');
    const flaskPort = await freePort();
    const flask = start(
      'gunicorn',
      [
        '-w',
        '2',
        '-b',
        `127.0.0.1:${flaskPort}`,
        '--chdir',
        join(root, 'bench', 'fixtures'),
        'flask_app:app',
      ],
      {
        SM_MODEL_DIR: modelDir,
        SAGEMAKER_PROGRAM: 'train.py',
        PYTHONPATH: join(root, 'examples', 'penguins', 'code'),
      },
    );
    children.push(flask);
    await waitForHttp(`http://127.0.0.1:${flaskPort}/ping`);
    const [flaskResult] = (await measure(
      [
        {
          label: 'Flask + gunicorn (2 workers), scikit-learn',
          url: `http://127.0.0.1:${flaskPort}/invocations`,
          headers: csvHeaders,
        },
      ],
      1,
    )) as [Measured];
    await stop(flask);

    const rows = [slipwayResult, bareResult, flaskResult].map(
      (r) =>
        `| ${r.label} | ${Math.round(r.peak)} | ${r.peakConnections} | ${fixed(r.p99AtHalf, 1)} | ${r.errors.timeouts} / ${r.errors.non2xx} / ${r.errors.connection} |`,
    );
    const levels = connectionCounts.map((count) => {
      const slipwayRate = slipwayResult.byConnections.get(count)!;
      const bareRate = bareResult.byConnections.get(count)!;
      return `| ${count} | ${Math.round(slipwayRate)} | ${Math.round(bareRate)} | ${fixed(slipwayRate / bareRate)}× |`;
    });
    const topCount = Math.max(...connectionCounts);
    const atTop = [slipwayResult, bareResult, flaskResult].filter((r) => r.peakConnections === topCount);
    const ofBare = slipwayResult.peak / bareResult.peak;
    const ofFlask = slipwayResult.peak / flaskResult.peak;
    return {
      title: 'Endpoint throughput and latency (autocannon)',
      markdown: [
        `One CSV row per request, ${durationSeconds} s per run. Each server's peak is its best connection count (of ${connectionCounts.join(', ')}), the median of ${rounds} rounds in which Slipway and the bare server take turns (Flask: one round). p99 measured at 50% of each server's own peak, at that peak's connection count. gunicorn's sync workers close the connection after every answer, so autocannon meets resets (connection errors) on Flask at every count.`,
        '',
        '| server | peak requests/s | at connections | p99 at 50% load (ms) | errors: timeouts / non-2xx / connection |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
        '',
        '| connections | Slipway (req/s) | bare node:http (req/s) | Slipway / bare |',
        '| --- | --- | --- | --- |',
        ...levels,
        '',
        `Slipway / bare node:http, peak against peak: **${fixed(ofBare)}×** (target ≥ 0.6×). Slipway / Flask+gunicorn: **${fixed(ofFlask)}×** (target ≥ 10×).`,
        ...(atTop.length > 0
          ? [
              '',
              `Peaked at the top of the sweep (${topCount} connections), so the peak may lie beyond it: ${atTop.map((r) => r.label).join('; ')}.`,
            ]
          : []),
      ].join('\n'),
    };
  } finally {
    await Promise.allSettled(children.map(stop));
    work.cleanup();
  }
}
