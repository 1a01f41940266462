/** REST routes for the model registry under /api/v1: groups, versions, approval, aliases, deploy. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponses, NameParams, PagingQuery, pageOf } from '../api/routes/common.ts';
import { ResourceName, Type } from '../core/schema.ts';
import { DeployRequestSchema } from '../hosting/deploy.ts';
import { describeEndpoint } from '../hosting/endpoints.ts';
import { describeGroup, type GroupService } from './groups.ts';
import { describePackage, type ModelPackageService, type PackageRecord } from './model-packages.ts';
import {
  AliasRequestSchema,
  type ApprovalStatus,
  approvalStatuses,
  DecisionSchema,
  GroupSpecSchema,
  RegisterRequestSchema,
  UpdateGroupSchema,
} from './types.ts';

const Described = Type.Record(Type.String(), Type.Unknown());
const Listed = Type.Object({ items: Type.Array(Described), nextToken: Type.Optional(Type.String()) });
const VersionParams = Type.Object({
  group: ResourceName,
  version: Type.String({ minLength: 1, maxLength: 63, description: 'a number, "latest", or an alias' }),
});
const AliasParams = Type.Object({ name: ResourceName, alias: Type.String({ minLength: 1, maxLength: 63 }) });

/** Who did it, as the approval record and events name them: the token's name. */
function actor(request: FastifyRequest): string {
  return request.principal?.name ?? 'unknown';
}

export function registryRoutes(
  server: FastifyInstance,
  deps: { groups: GroupService; packages: ModelPackageService },
) {
  const { groups, packages } = deps;
  const groupTags = ['model-package-groups'];
  const tags = ['model-packages'];

  const view = async (record: PackageRecord) => {
    const group = await groups.get(record.spec.modelPackageGroupName);
    const aliases = Object.entries(group.status.aliases)
      .filter(([, version]) => version === record.spec.modelPackageVersion)
      .map(([alias]) => alias);
    return describePackage(record, aliases);
  };

  server.post(
    '/model-package-groups',
    {
      schema: {
        summary: 'Create a model package group',
        tags: groupTags,
        body: GroupSpecSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(describeGroup(await groups.create({ spec: request.body }))),
  );
  server.get(
    '/model-package-groups',
    {
      schema: {
        summary: 'List model package groups',
        tags: groupTags,
        querystring: PagingQuery,
        response: { 200: Listed, ...errorResponses },
      },
    },
    async (request) => {
      const page = await groups.list(request.query as { limit?: number; nextToken?: string });
      return pageOf(page.items.map(describeGroup), page.nextToken);
    },
  );
  server.get(
    '/model-package-groups/:name',
    {
      schema: {
        summary: 'Describe a model package group',
        tags: groupTags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeGroup(await groups.get((request.params as { name: string }).name)),
  );
  server.patch(
    '/model-package-groups/:name',
    {
      // The required metrics are the approval gate: only those who approve may move it.
      config: { role: 'approver' },
      schema: {
        summary: "Change a group's description or required metrics (approver)",
        tags: groupTags,
        params: NameParams,
        body: UpdateGroupSchema,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) =>
      describeGroup(
        await groups.update({ name: (request.params as { name: string }).name, body: request.body }),
      ),
  );
  server.put(
    '/model-package-groups/:name/aliases/:alias',
    {
      schema: {
        summary: 'Point an alias (champion, staging, …) at a version, moving it from where it was',
        tags: groupTags,
        params: AliasParams,
        body: AliasRequestSchema,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const { name, alias } = request.params as { name: string; alias: string };
      const { version } = request.body as { version: number };
      return describeGroup(
        await groups.setAlias({
          group: name,
          alias,
          version,
          exists: (v) => packages.exists(name, v),
          by: actor(request),
        }),
      );
    },
  );
  server.delete(
    '/model-package-groups/:name/aliases/:alias',
    {
      schema: {
        summary: 'Remove an alias',
        tags: groupTags,
        params: AliasParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const { name, alias } = request.params as { name: string; alias: string };
      return describeGroup(await groups.removeAlias({ group: name, alias, by: actor(request) }));
    },
  );

  server.post(
    '/model-packages',
    {
      schema: {
        summary:
          'Register a model version (from a trainingJobName, or an inferenceSpecification); PendingManualApproval',
        tags,
        body: RegisterRequestSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await view(await packages.register({ request: request.body, by: actor(request) }))),
  );
  server.get(
    '/model-packages',
    {
      schema: {
        summary: "List a group's versions, newest first",
        tags,
        querystring: Type.Composite([
          PagingQuery,
          Type.Object({
            modelPackageGroupName: ResourceName,
            approvalStatus: Type.Optional(Type.Union(approvalStatuses.map((s) => Type.Literal(s)))),
          }),
        ]),
        response: { 200: Listed, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as {
        modelPackageGroupName: string;
        approvalStatus?: ApprovalStatus;
        limit?: number;
        nextToken?: string;
      };
      const page = await packages.list({ ...query, group: query.modelPackageGroupName });
      const items = [];
      for (const record of page.items) items.push(await view(record));
      return pageOf(items, page.nextToken);
    },
  );
  server.get(
    '/model-packages/:group/:version',
    {
      schema: {
        summary: 'Describe a version (by number, latest, or alias)',
        tags,
        params: VersionParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const { group, version } = request.params as { group: string; version: string };
      return view(await packages.resolve(group, version));
    },
  );
  for (const [verb, decision] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const) {
    server.post(
      `/model-packages/:group/:version/${verb}`,
      {
        config: { role: 'approver' },
        schema: {
          summary: `${decision === 'Approved' ? 'Approve' : 'Reject'} a version (approver role)`,
          tags,
          params: VersionParams,
          body: Type.Optional(DecisionSchema),
          response: { 200: Described, ...errorResponses },
        },
      },
      async (request) => {
        const { group, version } = request.params as { group: string; version: string };
        return view(
          await packages.decide({ group, version, decision, by: actor(request), body: request.body }),
        );
      },
    );
  }
  server.post(
    '/model-packages/:group/:version/deploy',
    {
      schema: {
        summary: 'Deploy an Approved version to an endpoint in one step',
        tags,
        params: VersionParams,
        body: DeployRequestSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { group, version } = request.params as { group: string; version: string };
      return reply
        .status(201)
        .send(describeEndpoint(await packages.deploy({ group, version, request: request.body })));
    },
  );
}
