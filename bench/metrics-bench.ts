/**
 * Metric ingestion and series reads through the REST API, against the database driver itself as
 * the ceiling, measured in the same run on the same machine:
 *   - ingest: POST /api/v1/runs/<run>/batch with 1,000 points per request (validated by the route's
 *     compiled schema, one transaction per batch), one client sending back to back; peer: the same
 *     rows through the raw driver (better-sqlite3 prepared statement / pg multi-row INSERT), one
 *     transaction per 1,000 rows, no HTTP and no validation;
 *   - read: GET /api/v1/runs/<run>/metrics/<name> of a 100,000-point series; peer: the same SELECT
 *     through the raw driver.
 * On SQLite always; on PostgreSQL when SLIPWAY_TEST_DATABASE_URL is set.
 *
 *   npx tsx bench/metrics-bench.ts          # prints the markdown
 */
import { once } from 'node:events';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { SlipwayClient } from '../src/sdk/client.ts';
import { startCliServer } from '../test/helpers/cli.ts';
import { databaseBackends } from '../test/helpers/databases.ts';
import { tempFolder } from '../test/helpers/temp.ts';
import type { BenchResult } from './run.ts';
import { fixed, median } from './stats.ts';

const batchSize = 1000;
const ingestBatches = 200;
const seriesPoints = 100_000;
const reads = 5;
const token = 'slw_bench-token-0123456789';

function batchOf(batch: number, name = 'loss') {
  const metrics = new Array(batchSize);
  const time = Date.now();
  for (let i = 0; i < batchSize; i++) {
    const step = batch * batchSize + i;
    metrics[i] = { name, value: 1 / (step + 1), step, timestamp: time };
  }
  return { metrics };
}

interface Figures {
  backend: string;
  ingestApi: number;
  ingestPeer: number;
  readApiMs: number;
  readPeerMs: number;
}

async function measureBackend(backend: ReturnType<typeof databaseBackends>[number]): Promise<Figures> {
  const database = await backend.create();
  const home = tempFolder('slipway-bench-metrics-');
  // The server runs as `slipway up` in its own process, as it does for users logging from their code.
  const server = await startCliServer({
    SLIPWAY_HOME: home.path,
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
    SLIPWAY_DATABASE_URL: database.url,
  });
  const client = new SlipwayClient({ url: server.url, token });
  try {
    await client.post('/api/v1/runs', { experimentName: 'bench', runName: 'ingest' });
    // Warm up the route, the schema compiler and the statement paths.
    for (let b = 0; b < 5; b++) await client.post('/api/v1/runs/ingest/batch', batchOf(1000 + b, 'warm'));
    const bodies = Array.from({ length: ingestBatches }, (_, b) => batchOf(b));
    // Serialized beforehand: the client's JSON.stringify is not the server's ingestion.
    const texts = bodies.map((body) => JSON.stringify(body));
    const json = { 'content-type': 'application/json' };
    let started = performance.now();
    for (const text of texts)
      await (await client.raw('POST', '/api/v1/runs/ingest/batch', text, json)).arrayBuffer();
    const ingestApi = (ingestBatches * batchSize) / ((performance.now() - started) / 1000);

    await client.post('/api/v1/runs', { experimentName: 'bench', runName: 'series' });
    for (let b = 0; b < seriesPoints / batchSize; b++)
      await client.post('/api/v1/runs/series/batch', batchOf(b));
    const apiReads: number[] = [];
    for (let i = 0; i < reads; i++) {
      started = performance.now();
      const series = await client.get<{ steps: number[] }>('/api/v1/runs/series/metrics/loss');
      apiReads.push(performance.now() - started);
      if (series.steps.length !== seriesPoints) throw new Error(`read ${series.steps.length} points`);
    }

    const peer =
      backend.name === 'sqlite'
        ? await sqlitePeer(join(home.path, 'peer.db'), bodies)
        : await postgresPeer(database.url, bodies);
    return {
      backend: backend.name === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      ingestApi,
      ingestPeer: peer.ingest,
      readApiMs: median(apiReads),
      readPeerMs: peer.readMs,
    };
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    await database.cleanup();
    home.cleanup();
  }
}

type Bodies = Array<ReturnType<typeof batchOf>>;

/** The ceiling on SQLite: one prepared INSERT, one transaction per batch, same schema and pragmas. */
async function sqlitePeer(path: string, bodies: Bodies): Promise<{ ingest: number; readMs: number }> {
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'create table metric_points (id integer primary key autoincrement, owner text not null, name text not null, step bigint not null, value double precision not null, time bigint not null); create index metric_points_by_owner on metric_points (owner, name, step)',
  );
  const insert = db.prepare(
    'insert into metric_points (owner, name, step, value, time) values (?, ?, ?, ?, ?)',
  );
  const insertBatch = db.transaction((points: Bodies[number]['metrics']) => {
    for (const p of points) insert.run('run/ingest', p.name, p.step, p.value, p.timestamp);
  });
  const started = performance.now();
  for (const body of bodies) insertBatch(body.metrics);
  const ingest = (bodies.length * batchSize) / ((performance.now() - started) / 1000);
  const seriesInsert = db.transaction(() => {
    for (let step = 0; step < seriesPoints; step++)
      insert.run('run/series', 'loss', step, 1 / (step + 1), Date.now());
  });
  seriesInsert();
  const select = db.prepare(
    'select step, value, time from metric_points where owner = ? and name = ? order by step, id',
  );
  const times: number[] = [];
  for (let i = 0; i < reads; i++) {
    const t = performance.now();
    const rows = select.all('run/series', 'loss');
    times.push(performance.now() - t);
    if (rows.length !== seriesPoints) throw new Error('peer read short');
  }
  db.close();
  return { ingest, readMs: median(times) };
}

/** The ceiling on PostgreSQL: multi-row INSERTs of 1,000 rows in one transaction per batch, through pg. */
async function postgresPeer(url: string, bodies: Bodies): Promise<{ ingest: number; readMs: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    'create table peer_points (id bigserial primary key, owner text not null, name text not null, step bigint not null, value double precision not null, time bigint not null)',
  );
  await client.query('create index peer_points_by_owner on peer_points (owner, name, step)');
  const insert = async (owner: string, points: Bodies[number]['metrics']) => {
    for (let start = 0; start < points.length; start += 500) {
      const chunk = points.slice(start, start + 500);
      const values: unknown[] = [];
      const rows = chunk.map((p, i) => {
        values.push(owner, p.name, p.step, p.value, p.timestamp);
        const o = i * 5;
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5})`;
      });
      await client.query(
        `insert into peer_points (owner, name, step, value, time) values ${rows.join(', ')}`,
        values,
      );
    }
  };
  const started = performance.now();
  for (const body of bodies) {
    await client.query('begin');
    await insert('run/ingest', body.metrics);
    await client.query('commit');
  }
  const ingest = (bodies.length * batchSize) / ((performance.now() - started) / 1000);
  for (let b = 0; b < seriesPoints / batchSize; b++) await insert('run/series', batchOf(b).metrics);
  const times: number[] = [];
  for (let i = 0; i < reads; i++) {
    const t = performance.now();
    const result = await client.query(
      'select step, value, time from peer_points where owner = $1 and name = $2 order by step, id',
      ['run/series', 'loss'],
    );
    times.push(performance.now() - t);
    if (result.rows.length !== seriesPoints) throw new Error('peer read short');
  }
  await client.end();
  return { ingest, readMs: median(times) };
}

export async function runMetricsBench(): Promise<BenchResult> {
  const figures: Figures[] = [];
  for (const backend of databaseBackends()) figures.push(await measureBackend(backend));
  const k = (value: number) => `${fixed(value / 1000, 1)}k`;
  const rows = figures.map(
    (f) =>
      `| ${f.backend} | ${k(f.ingestApi)} | ${k(f.ingestPeer)} | ${fixed(f.ingestApi / f.ingestPeer)}× | ${fixed(f.readApiMs, 0)} | ${fixed(f.readPeerMs, 0)} | ${fixed(f.readApiMs / f.readPeerMs, 1)}× |`,
  );
  const sqlite = figures.find((f) => f.backend === 'SQLite')!;
  return {
    title: 'Metric ingestion (batch API) and 100k-point series reads',
    markdown: [
      `Ingest: ${ingestBatches} requests of ${batchSize} points (JSON serialized beforehand) to \`POST /api/v1/runs/<run>/batch\`, one client process and the server (\`slipway up\`) in another, back to back. ` +
        `Peer: the same rows through the raw driver, one transaction per ${batchSize}. ` +
        `Read: \`GET /api/v1/runs/<run>/metrics/loss\` of a ${seriesPoints.toLocaleString('en')}-point series (median of ${reads}), JSON included; peer: the same SELECT through the driver. ` +
        'Target: ≥ 100k points/s ingest on SQLite.',
      '',
      '| store | API ingest (points/s) | driver ingest (points/s) | API / driver | API read (ms) | driver read (ms) | API / driver |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `SQLite ingest through the API: ${k(sqlite.ingestApi)} points/s — target ${sqlite.ingestApi >= 100_000 ? 'met' : 'NOT met'}.` +
        (figures.length < 2 ? ' PostgreSQL not measured (SLIPWAY_TEST_DATABASE_URL unset).' : ''),
    ].join('\n'),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runMetricsBench();
  console.log(`## ${result.title}\n\n${result.markdown}`);
}
