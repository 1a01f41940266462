/** REST routes for experiments and runs under /api/v1. */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams, PagingQuery, pageOf } from '../api/routes/common.ts';
import { streamBodiesOf } from '../api/streamed-body.ts';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { invalid } from '../core/errors.ts';
import { ResourceName, StrictObject, Type, validate } from '../core/schema.ts';
import type { TrainingService } from '../training/service.ts';
import { compareRuns } from './compare.ts';
import { describeExperiment, type ExperimentService } from './experiments.ts';
import { ReproduceRequestSchema, reproduceRun } from './reproduce.ts';
import { searchRuns } from './run-search.ts';
import type { RunService } from './runs.ts';
import {
  CreateRunSchema,
  EndRunSchema,
  ExperimentSpecSchema,
  type LogBatch,
  LogBatchSchema,
  MetricPointSchema,
  UpdateRunSchema,
} from './types.ts';
import { describeRun } from './views.ts';

const Described = Type.Record(Type.String(), Type.Unknown());
const Listed = Type.Object({ items: Type.Array(Described), nextToken: Type.Optional(Type.String()) });
const RunParams = Type.Object({ name: ResourceName });
const MetricsBody = StrictObject({
  metrics: Type.Array(MetricPointSchema, { minItems: 1, maxItems: 100_000 }),
});
const StringMap = Type.Record(
  Type.String({ minLength: 1, maxLength: 250 }),
  Type.String({ maxLength: 6000 }),
);

export interface ExperimentRouteDeps {
  experiments: ExperimentService;
  runs: RunService;
  training: TrainingService;
  artifacts: Artifacts;
  /** The largest artifact upload, in bytes. */
  maxUploadBytes: number;
}

export function experimentRoutes(server: FastifyInstance, deps: ExperimentRouteDeps) {
  const { experiments, runs } = deps;
  const tags = ['experiments'];
  server.post(
    '/experiments',
    {
      schema: {
        summary: 'Create an experiment',
        tags,
        body: ExperimentSpecSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(describeExperiment(await experiments.create({ spec: request.body }))),
  );
  server.get(
    '/experiments',
    {
      schema: {
        summary: 'List experiments, newest first',
        tags,
        querystring: PagingQuery,
        response: { 200: Listed, ...errorResponses },
      },
    },
    async (request) => {
      const page = await experiments.list(request.query as { limit?: number; nextToken?: string });
      const items = [];
      for (const record of page.items)
        items.push(describeExperiment(record, await experiments.runCount(record.name)));
      return pageOf(items, page.nextToken);
    },
  );
  server.get(
    '/experiments/:name',
    {
      schema: {
        summary: 'Describe an experiment',
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      return describeExperiment(await experiments.get(name), await experiments.runCount(name));
    },
  );

  const runTags = ['runs'];
  server.post(
    '/runs',
    {
      schema: {
        summary: 'Start a run (the experiment is created when it does not exist)',
        tags: runTags,
        body: CreateRunSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(describeRun(await runs.create({ request: request.body }))),
  );
  server.get(
    '/runs',
    {
      schema: {
        summary:
          "Search runs: filter=metrics.accuracy > 0.9 and params.C = '1.0', orderBy=metrics.accuracy desc",
        tags: runTags,
        querystring: Type.Composite([
          PagingQuery,
          Type.Object({
            experimentName: Type.Optional(
              Type.String({ maxLength: 2000, description: 'one or several, comma-separated' }),
            ),
            filter: Type.Optional(Type.String({ maxLength: 4000 })),
            orderBy: Type.Optional(Type.String({ maxLength: 1000 })),
          }),
        ]),
        response: { 200: Listed, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as {
        experimentName?: string;
        filter?: string;
        orderBy?: string;
        limit?: number;
        nextToken?: string;
      };
      const found = await searchRuns(runs.store, {
        ...query,
        experimentNames: query.experimentName
          ?.split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      });
      return pageOf((await runs.withDetails(found.runs)).map(describeRun), found.nextToken);
    },
  );
  server.get(
    '/runs/compare',
    {
      schema: {
        summary: 'Compare runs: parameters that differ, final metrics, series for plotting',
        tags: runTags,
        querystring: Type.Object({
          runs: Type.String({ minLength: 1, maxLength: 2000, description: 'run names, comma-separated' }),
          maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: 100_000 })),
        }),
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as { runs: string; maxPoints?: number };
      const names = query.runs
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      const comparison = await compareRuns(runs, { names, maxPoints: query.maxPoints });
      return { ...comparison, runs: comparison.runs.map(describeRun) };
    },
  );
  server.get(
    '/runs/:name',
    {
      schema: {
        summary: 'Describe a run',
        tags: runTags,
        params: RunParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeRun(await runs.get((request.params as { name: string }).name)),
  );
  server.patch(
    '/runs/:name',
    {
      schema: {
        summary: "Update a run's notes",
        tags: runTags,
        params: RunParams,
        body: UpdateRunSchema,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) =>
      describeRun(
        await runs.update({
          run: (request.params as { name: string }).name,
          ...(request.body as { notes?: string }),
        }),
      ),
  );
  server.post(
    '/runs/:name/end',
    {
      schema: {
        summary: 'End a run (Completed by default)',
        tags: runTags,
        params: RunParams,
        body: EndRunSchema,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) =>
      describeRun(
        await runs.end({
          run: (request.params as { name: string }).name,
          status: (request.body as { status?: 'Completed' | 'Failed' | 'Stopped' }).status,
        }),
      ),
  );

  const logged = Type.Object({ metrics: Type.Integer() });
  server.post(
    '/runs/:name/metrics',
    {
      schema: {
        summary:
          'Log one metric point ({name, value, step?, timestamp?}) or many ({metrics: [...]}), in one transaction',
        tags: runTags,
        params: RunParams,
        response: { 200: logged, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw invalid('body', 'must be a JSON object');
      // One point or a list: validated by the compiled schema of whichever it is.
      const batch: LogBatch =
        'metrics' in body
          ? validate(MetricsBody, body, 'body')
          : { metrics: [validate(MetricPointSchema, body, 'body')] };
      return runs.logBatch({ run: (request.params as { name: string }).name, batch });
    },
  );
  server.post(
    '/runs/:name/batch',
    {
      schema: {
        summary: 'Log metrics, parameters and tags together, in one transaction (MLflow log-batch)',
        tags: runTags,
        params: RunParams,
        body: LogBatchSchema,
        response: { 200: logged, ...errorResponses },
      },
    },
    async (request) =>
      runs.logBatch({ run: (request.params as { name: string }).name, batch: request.body as LogBatch }),
  );
  server.post(
    '/runs/:name/params',
    {
      schema: {
        summary: 'Log parameters (each once)',
        tags: runTags,
        params: RunParams,
        body: StrictObject({ params: StringMap }),
        response: { 200: logged, ...errorResponses },
      },
    },
    async (request) =>
      runs.logBatch({
        run: (request.params as { name: string }).name,
        batch: { params: (request.body as { params: Record<string, string> }).params },
      }),
  );
  server.post(
    '/runs/:name/tags',
    {
      schema: {
        summary: 'Set tags',
        tags: runTags,
        params: RunParams,
        body: StrictObject({ tags: StringMap }),
        response: { 200: logged, ...errorResponses },
      },
    },
    async (request) =>
      runs.logBatch({
        run: (request.params as { name: string }).name,
        batch: { tags: (request.body as { tags: Record<string, string> }).tags },
      }),
  );
  server.get(
    '/runs/:name/metrics',
    {
      schema: {
        summary: "A run's metrics with their final values",
        tags: runTags,
        params: RunParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const run = await runs.get((request.params as { name: string }).name);
      return {
        metrics: Object.entries(run.metrics).map(([name, p]) => ({
          name,
          value: p.value,
          step: p.step,
          timestamp: new Date(p.time).toISOString(),
        })),
      };
    },
  );
  server.get(
    '/runs/:name/metrics/:metric',
    {
      schema: {
        summary: 'One metric series, columnar (steps, values, timestamps in epoch ms) for plotting',
        tags: runTags,
        params: Type.Object({ name: ResourceName, metric: Type.String({ minLength: 1, maxLength: 250 }) }),
        response: {
          200: Type.Object({
            name: Type.String(),
            steps: Type.Array(Type.Integer()),
            values: Type.Array(Type.Number()),
            timestamps: Type.Array(Type.Integer()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { name, metric } = request.params as { name: string; metric: string };
      await runs.require(name);
      const points = await runs.series(name, metric);
      const steps = new Array<number>(points.length);
      const values = new Array<number>(points.length);
      const timestamps = new Array<number>(points.length);
      for (let i = 0; i < points.length; i++) {
        steps[i] = points[i]!.step;
        values[i] = points[i]!.value;
        timestamps[i] = points[i]!.time;
      }
      return { name: metric, steps, values, timestamps };
    },
  );
  // Artifacts are uploaded as raw bytes, streamed to the store; only this route takes them.
  server.register(async (scope) => {
    streamBodiesOf(scope, 'application/octet-stream', deps.maxUploadBytes);
    scope.post(
      '/runs/:name/artifacts',
      {
        schema: {
          summary: 'Upload a file (raw bytes, application/octet-stream) as a run artifact at ?path=',
          tags: runTags,
          params: RunParams,
          querystring: Type.Object({ path: Type.String({ minLength: 1, maxLength: 1024 }) }),
          response: { 201: Described, ...errorResponses },
        },
      },
      async (request, reply) => {
        if (!(request.body instanceof Readable))
          throw invalid('content-type', 'send the file as application/octet-stream');
        const artifact = await runs.addArtifact({
          run: (request.params as { name: string }).name,
          path: (request.query as { path: string }).path,
          body: request.body as Readable,
        });
        return reply.status(201).send(artifact);
      },
    );
  });
  server.get(
    '/runs/:name/artifacts',
    {
      schema: {
        summary: "A run's artifacts",
        tags: runTags,
        params: RunParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => ({
      items: (await runs.get((request.params as { name: string }).name)).data.artifacts ?? [],
    }),
  );
  server.post(
    '/runs/:name/reproduce',
    {
      schema: {
        summary: 'Re-create the training job a run recorded, if its code and data are unchanged',
        tags: runTags,
        params: RunParams,
        body: Type.Optional(ReproduceRequestSchema),
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await reproduceRun(
            { runs, training: deps.training, artifacts: deps.artifacts, now: () => runs.store.clock.now() },
            { run: (request.params as { name: string }).name, request: request.body ?? {} },
          ),
        ),
  );
}
