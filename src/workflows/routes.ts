/** REST routes: /api/v1/workflows, /api/v1/executions and the task-token callbacks. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams, PagingQuery, pageOf } from '../api/routes/common.ts';
import { invalid } from '../core/errors.ts';
import { Type } from '../core/schema.ts';
import type { ExecutionService } from './execution-service.ts';
import { executionStatuses } from './types.ts';
import { describeExecution, describeWorkflow, executionListItem, historyEventView } from './views.ts';
import type { WorkflowService } from './workflow-service.ts';

const Described = Type.Record(Type.String(), Type.Unknown());
const Body = Type.Record(Type.String(), Type.Unknown());
const List = Type.Object({ items: Type.Array(Described), nextToken: Type.Optional(Type.String()) });

type Name = { name: string };

export function workflowRoutes(
  server: FastifyInstance,
  services: { workflows: WorkflowService; executions: ExecutionService },
) {
  const { workflows, executions } = services;
  const tags = ['workflows'];

  server.post(
    '/workflows',
    {
      schema: {
        summary: 'Create a workflow (Step Functions CreateStateMachine, camelCase)',
        tags,
        body: Body,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(describeWorkflow(await workflows.create({ spec: request.body }))),
  );

  server.get(
    '/workflows',
    {
      schema: {
        summary: 'List workflows, newest first',
        tags,
        querystring: PagingQuery,
        response: { 200: List },
      },
    },
    async (request) => {
      const page = await workflows.list(request.query as { limit?: number; nextToken?: string });
      return pageOf(
        page.items.map((r) => describeWorkflow(r, { definition: false })),
        page.nextToken,
      );
    },
  );

  server.get(
    '/workflows/:name',
    {
      schema: {
        summary: 'Describe a workflow, with its definition',
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeWorkflow(await workflows.get((request.params as Name).name)),
  );

  server.put(
    '/workflows/:name',
    {
      schema: {
        summary: 'Update a workflow (definition, roleArn, description, tags); its revision increments',
        tags,
        params: NameParams,
        body: Body,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) =>
      describeWorkflow(
        await workflows.update({ name: (request.params as Name).name, changes: request.body }),
      ),
  );

  server.delete(
    '/workflows/:name',
    {
      schema: {
        summary: 'Delete a workflow',
        tags,
        params: NameParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await workflows.delete((request.params as Name).name);
      return reply.status(204).send();
    },
  );

  server.post(
    '/workflows/:name/executions',
    {
      schema: {
        summary: 'Start an execution of a workflow ({ name?, input? })',
        tags,
        params: NameParams,
        body: Body,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          describeExecution(
            await executions.start({ workflowName: (request.params as Name).name, body: request.body }),
          ),
        ),
  );

  const executionTags = ['executions'];
  server.post(
    '/executions',
    {
      schema: {
        summary: 'Start an execution ({ workflowName, name?, input? })',
        tags: executionTags,
        body: Body,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(describeExecution(await executions.start({ body: request.body }))),
  );

  server.get(
    '/executions',
    {
      schema: {
        summary: 'List executions, newest first',
        tags: executionTags,
        querystring: Type.Composite([
          PagingQuery,
          Type.Object({
            workflowName: Type.Optional(Type.String({ maxLength: 63 })),
            statusFilter: Type.Optional(Type.Union(executionStatuses.map((s) => Type.Literal(s)))),
          }),
        ]),
        response: { 200: List, ...errorResponses },
      },
    },
    async (request) => {
      const page = await executions.list(request.query as Parameters<ExecutionService['list']>[0]);
      return pageOf(page.items.map(executionListItem), page.nextToken);
    },
  );

  server.get(
    '/executions/:name',
    {
      schema: {
        summary: 'Describe an execution (Step Functions DescribeExecution)',
        tags: executionTags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeExecution(await executions.get((request.params as Name).name)),
  );

  server.get(
    '/executions/:name/history',
    {
      schema: {
        summary: 'The execution history (Step Functions GetExecutionHistory)',
        tags: executionTags,
        params: NameParams,
        querystring: Type.Object({
          maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          nextToken: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
          reverseOrder: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: Type.Object({ events: Type.Array(Described), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const query = request.query as { maxResults?: number; nextToken?: string; reverseOrder?: boolean };
      const page = await executions.history((request.params as Name).name, {
        limit: query.maxResults,
        afterId: query.nextToken ? Number(query.nextToken) : undefined,
        reverseOrder: query.reverseOrder,
      });
      return {
        events: page.events.map(historyEventView),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },
  );

  server.post(
    '/executions/:name/stop',
    {
      schema: {
        summary: 'Stop an execution ({ error?, cause? }); it ends ABORTED',
        tags: executionTags,
        params: NameParams,
        body: Type.Optional(Body),
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { error?: string; cause?: string };
      return describeExecution(await executions.stop((request.params as Name).name, body));
    },
  );

  const callback = (
    path: string,
    summary: string,
    run: (body: Record<string, unknown>) => { execution: string },
  ) =>
    server.post(
      `/executions/${path}`,
      {
        schema: {
          summary,
          tags: executionTags,
          body: Body,
          response: { 200: Type.Object({ execution: Type.String() }), ...errorResponses },
        },
      },
      async (request) => {
        if (!request.body || typeof request.body !== 'object')
          throw invalid('(body)', 'must be a JSON object');
        return run(request.body as Record<string, unknown>);
      },
    );
  callback('task-success', 'Complete a .waitForTaskToken task ({ taskToken, output })', (b) =>
    executions.taskSuccess(b),
  );
  callback('task-failure', 'Fail a .waitForTaskToken task ({ taskToken, error?, cause? })', (b) =>
    executions.taskFailure(b),
  );
  callback('task-heartbeat', 'Report a .waitForTaskToken task alive ({ taskToken })', (b) =>
    executions.taskHeartbeat(b),
  );
}
