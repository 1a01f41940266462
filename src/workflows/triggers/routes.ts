/** REST routes for triggers under /api/v1/triggers, and their webhook endpoint. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams, PagingQuery, pageOf } from '../../api/routes/common.ts';
import { isoTime } from '../../core/clock.ts';
import { Type } from '../../core/schema.ts';
import type { TriggerRecord, TriggerService } from './trigger-service.ts';

const Described = Type.Record(Type.String(), Type.Unknown());
const tags = ['triggers'];
type Name = { name: string };

export function describeTrigger(record: TriggerRecord) {
  return {
    ...record.spec,
    triggerArn: record.arn,
    state: record.phase,
    fires: record.status.fires,
    lastFireTime: isoTime(record.status.lastFireTime),
    lastExecution: record.status.lastExecution,
    lastError: record.status.lastError,
    creationTime: isoTime(record.createdAt),
  };
}

export function triggerRoutes(server: FastifyInstance, triggers: TriggerService) {
  server.post(
    '/triggers',
    {
      schema: {
        summary: 'Create a trigger: a schedule, an event rule or a webhook that starts a workflow',
        tags,
        body: Type.Record(Type.String(), Type.Unknown()),
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(describeTrigger(await triggers.create(request.body))),
  );
  server.get(
    '/triggers',
    { schema: { summary: 'List triggers', tags, querystring: PagingQuery } },
    async (request) => {
      const page = await triggers.list(request.query as { limit?: number; nextToken?: string });
      return pageOf(page.items.map(describeTrigger), page.nextToken);
    },
  );
  server.get(
    '/triggers/:name',
    {
      schema: {
        summary: 'Describe a trigger',
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeTrigger(await triggers.get((request.params as Name).name)),
  );
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const)
    server.post(
      `/triggers/:name/${verb}`,
      {
        schema: {
          summary: `${verb} a trigger`,
          tags,
          params: NameParams,
          response: { 200: Described, ...errorResponses },
        },
      },
      async (request) => describeTrigger(await triggers.setEnabled((request.params as Name).name, enabled)),
    );
  server.delete(
    '/triggers/:name',
    { schema: { summary: 'Delete a trigger', tags, params: NameParams } },
    async (request, reply) => {
      await triggers.delete((request.params as Name).name);
      return reply.status(204).send();
    },
  );
  server.post(
    '/triggers/:name/webhook',
    {
      config: { role: 'scientist' },
      schema: {
        summary: 'Call a webhook trigger: publishes trigger.webhook and starts the workflow with the body',
        tags,
        params: NameParams,
        response: { 202: Described, ...errorResponses },
      },
    },
    async (request, reply) => {
      const headers: Record<string, string> = {};
      for (const key of ['user-agent', 'x-github-event', 'x-gitlab-event', 'x-request-id'])
        if (typeof request.headers[key] === 'string') headers[key] = request.headers[key] as string;
      const result = await triggers.webhook((request.params as Name).name, request.body ?? null, headers);
      return reply.status(202).send(result);
    },
  );
}
