/**
 * The model registry as a Step Functions task: `createModelPackage` (Step Functions reaches it
 * through its AWS SDK integration, `arn:aws:states:::aws-sdk:sagemaker:createModelPackage`; the
 * short `arn:aws:states:::sagemaker:createModelPackage` is accepted too). It registers a version
 * as `POST /model-packages` does — from a `TrainingJobName`, whose metrics, artifact and hash the
 * version takes — and always PendingManualApproval: a workflow records a candidate, an approver
 * approves it. A task re-invoked after a restart finds the version its execution registered
 * instead of adding a second one.
 */
import { isSlipwayError } from '../../core/errors.ts';
import { describePackage, type ModelPackageService } from '../../registry/model-packages.ts';
import { type Json, TaskError, type TaskRequest } from '../asl/index.ts';
import { toCamelKeys, toPascalKeys } from './case-keys.ts';
import type { IntegrationRegistry } from './registry.ts';

export const createModelPackageResources = [
  'arn:aws:states:::aws-sdk:sagemaker:createModelPackage',
  'arn:aws:states:::sagemaker:createModelPackage',
];

const executionKey = 'slipway:execution';
const stateKey = 'slipway:state';
/** SageMaker's request fields that have no meaning here (IAM, marketplace, inference recommendations). */
const dropped = ['modelApprovalStatus', 'certifyForMarketplace', 'clientToken', 'tags', 'domain', 'task'];

export function registerRegistryIntegrations(
  registry: IntegrationRegistry,
  deps: { packages: ModelPackageService },
): void {
  const integration = {
    async run(request: TaskRequest): Promise<Json> {
      const parameters = request.parameters;
      if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters))
        throw new TaskError('States.Runtime', 'createModelPackage: Parameters must be an object');
      const body = toCamelKeys(parameters) as Record<string, any>;
      if (body.modelApprovalStatus !== undefined && body.modelApprovalStatus !== 'PendingManualApproval')
        throw new TaskError(
          'SageMaker.ValidationException',
          'ModelApprovalStatus: a workflow registers versions PendingManualApproval; an approver approves them',
        );
      for (const field of dropped) delete body[field];
      if (body.modelPackageDescription !== undefined) {
        body.description = body.modelPackageDescription;
        delete body.modelPackageDescription;
      }
      const marks = { [executionKey]: request.execution.name, [stateKey]: request.execution.stateName };
      // SageMaker's name for the version's key-value metadata.
      const declared = body.customerMetadataProperties ?? body.customMetadata ?? {};
      delete body.customerMetadataProperties;
      body.customMetadata = { ...declared, ...marks };
      try {
        const record =
          (await registeredBefore(deps.packages, body.modelPackageGroupName, marks)) ??
          (await deps.packages.register({ request: body, by: `execution/${request.execution.name}` }));
        const described = describePackage(record);
        return toPascalKeys({
          modelPackageArn: described.modelPackageArn,
          modelPackageName: described.modelPackageName,
          modelPackageVersion: described.modelPackageVersion,
          modelApprovalStatus: described.modelApprovalStatus,
          metrics: described.metrics,
        }) as Json;
      } catch (error) {
        if (!isSlipwayError(error)) throw error;
        const kind = error.kind === 'not_found' ? 'ResourceNotFound' : 'ValidationException';
        throw new TaskError(`SageMaker.${kind}`, error.message);
      }
    },
  };
  for (const resource of createModelPackageResources) registry.register(resource, integration);
}

/** The version this execution's state registered before a restart, if any (newest first). */
async function registeredBefore(
  packages: ModelPackageService,
  group: unknown,
  marks: Record<string, string>,
) {
  if (typeof group !== 'string') return undefined;
  let nextToken: string | undefined;
  try {
    do {
      const page = await packages.list({ group, limit: 100, nextToken });
      const found = page.items.find((record) =>
        Object.entries(marks).every(([key, value]) => record.spec.customMetadata?.[key] === value),
      );
      if (found) return found;
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    // A missing group is reported by register itself, with its own words.
    if (isSlipwayError(error) && error.kind === 'not_found') return undefined;
    throw error;
  }
  return undefined;
}
