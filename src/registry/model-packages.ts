/**
 * Model packages: numbered versions in a group, each a model artifact with its serving spec,
 * metrics, and the run and training job it came from, gated by manual approval (role-checked at the
 * route) and the group's required metrics. Every change is an event, so a rule can deploy on
 * approval. Stored as resources named `<group>/<version>`.
 */
import type { Artifacts } from '../artifacts/artifacts.ts';
import { isoTime } from '../core/clock.ts';
import { CoreErrors, invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import { hashUri, isIncidentalCodeFile } from '../experiments/content-hash.ts';
import type { RunService } from '../experiments/runs.ts';
import { DeployRequestSchema, type DeployService, servingContainerOf } from '../hosting/deploy.ts';
import type { EndpointRecord } from '../hosting/endpoints.ts';
import { modelPackageTag } from '../lineage/hosting-recorder.ts';
import type { LineageService } from '../lineage/service.ts';
import type { ResourceRecord, Store } from '../store/store.ts';
import type { TrainingService } from '../training/service.ts';
import { RegistryErrors } from './errors.ts';
import type { GroupService } from './groups.ts';
import { checkRequiredMetrics, withSources } from './metric-gate.ts';
import {
  type ApprovalStatus,
  DecisionSchema,
  type PackageSpec,
  type PackageStatus,
  packageKind,
  RegisterRequestSchema,
} from './types.ts';

export type PackageRecord = ResourceRecord<PackageSpec, PackageStatus>;

export interface ModelPackageDeps {
  store: Store;
  events: EventBus;
  artifacts: Artifacts;
  groups: GroupService;
  training: TrainingService;
  runs: RunService;
  deploy: DeployService;
  lineage: LineageService;
}

export function packageName(group: string, version: number): string {
  return `${group}/${version}`;
}

export class ModelPackageService {
  constructor(private readonly deps: ModelPackageDeps) {}

  async register(options: { request: unknown; by: string }): Promise<PackageRecord> {
    const request = validate(RegisterRequestSchema, options.request);
    const group = request.modelPackageGroupName;
    await this.deps.groups.get(group);
    let container = request.inferenceSpecification?.primaryContainer;
    let measured: Record<string, number> = {};
    let artifact: PackageSpec['modelArtifact'];
    let runName = request.runName;
    if (request.trainingJobName) {
      const job = await this.deps.training.get(request.trainingJobName);
      if (job.status.trainingJobStatus !== 'Completed' || !job.status.modelArtifacts) {
        throw invalid(
          'trainingJobName',
          `training job "${job.name}" is ${job.status.trainingJobStatus}; only a Completed job with a model can be registered`,
        );
      }
      container ??= servingContainerOf(job);
      measured = Object.fromEntries(job.status.finalMetricDataList.map((m) => [m.metricName, m.value]));
      artifact = {
        uri: job.status.modelArtifacts.s3ModelArtifacts,
        sha256: job.status.modelArtifacts.sha256,
      };
      runName ??= (await this.deps.runs.findByTrainingJob(job.name))?.runName;
    }
    if (!container) {
      throw invalid(
        'inferenceSpecification',
        'give a trainingJobName, or an inferenceSpecification with the model',
      );
    }
    if (container.modelDataUrl && artifact?.uri !== container.modelDataUrl) {
      const field = 'inferenceSpecification.primaryContainer.modelDataUrl';
      const hashed = await hashUri(this.deps.artifacts, container.modelDataUrl, { field });
      if (!hashed)
        throw RegistryErrors.noArtifact({ field, reason: `${container.modelDataUrl} does not exist` });
      artifact = { uri: container.modelDataUrl, sha256: hashed.sha256 };
    }
    const codeUri = container.environment?.SAGEMAKER_SUBMIT_DIRECTORY;
    let code: PackageSpec['code'];
    if (codeUri) {
      const field = 'inferenceSpecification.primaryContainer.environment.SAGEMAKER_SUBMIT_DIRECTORY';
      const hashed = await hashUri(this.deps.artifacts, codeUri, { field, exclude: isIncidentalCodeFile });
      if (!hashed) throw RegistryErrors.noArtifact({ field, reason: `${codeUri} does not exist` });
      code = { uri: codeUri, sha256: hashed.sha256 };
    }
    if (runName) await this.deps.runs.require(runName);
    const metrics = withSources(measured, request.metrics);

    const now = this.deps.store.clock.now();
    let record: PackageRecord | undefined;
    for (let attempt = 1; !record; attempt++) {
      try {
        record = await this.deps.store.transaction(async (tx) => {
          const version = await this.deps.groups.nextVersion(group, tx);
          const name = packageName(group, version);
          const spec: PackageSpec = {
            modelPackageGroupName: group,
            modelPackageVersion: version,
            inferenceSpecification: {
              primaryContainer: container!,
              ...(request.inferenceSpecification?.servingType
                ? { servingType: request.inferenceSpecification.servingType }
                : {}),
            },
            inferenceSpecificationSource: request.inferenceSpecification ? 'declared' : 'training-job',
            modelArtifact: artifact,
            ...(code ? { code } : {}),
            ...metrics,
            trainingJobName: request.trainingJobName,
            runName,
            description: request.description,
            customMetadata: request.customMetadata,
          };
          const created = await this.deps.store.createResource<PackageSpec, PackageStatus>({
            kind: packageKind,
            name,
            arn: arnOf('sagemaker', 'model-package', name),
            spec,
            status: {
              modelApprovalStatus: 'PendingManualApproval',
              history: [{ status: 'PendingManualApproval', by: options.by, at: now }],
            },
            phase: 'PendingManualApproval',
            tx,
          });
          await this.deps.events.publish({
            resource: `${packageKind}/${name}`,
            type: 'model-package.created',
            detail: { modelPackageGroupName: group, modelPackageVersion: version, by: options.by },
            tx,
          });
          return created;
        });
      } catch (error) {
        // Two registrations took the same version: the loser takes the next one.
        if ((error as { code?: string }).code !== CoreErrors.versionConflict.code || attempt >= 10)
          throw error;
      }
    }
    await this.recordLineage(record);
    return record;
  }

  private async recordLineage(record: PackageRecord): Promise<void> {
    const node = { kind: 'model-package', name: record.name } as const;
    await this.deps.lineage.recordNode({ ...node, sha256: record.spec.modelArtifact?.sha256 });
    if (record.spec.modelArtifact) {
      await this.deps.lineage.recordNode({
        kind: 'model-artifact',
        name: record.spec.modelArtifact.uri,
        sha256: record.spec.modelArtifact.sha256,
      });
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'model-artifact', name: record.spec.modelArtifact.uri },
        downstream: node,
        type: 'used-by',
      });
    }
  }

  /** A version by number, `latest`, or an alias. */
  async resolve(group: string, version: string): Promise<PackageRecord> {
    const record = await this.deps.groups.get(group);
    let number: number | undefined;
    if (/^\d+$/.test(version)) number = Number(version);
    else if (version === 'latest') number = record.status.latestVersion || undefined;
    else number = record.status.aliases[version];
    const found =
      number === undefined
        ? undefined
        : await this.deps.store.getResource<PackageSpec, PackageStatus>({
            kind: packageKind,
            name: packageName(group, number),
          });
    if (!found) throw RegistryErrors.versionNotFound({ group, version });
    return found;
  }

  async exists(group: string, version: number): Promise<boolean> {
    return Boolean(
      await this.deps.store.getResource({ kind: packageKind, name: packageName(group, version) }),
    );
  }

  async list(options: {
    group: string;
    approvalStatus?: ApprovalStatus;
    limit?: number;
    nextToken?: string;
  }) {
    await this.deps.groups.get(options.group);
    return this.deps.store.listResources<PackageSpec, PackageStatus>({
      kind: packageKind,
      namePrefix: `${options.group}/`,
      phase: options.approvalStatus,
      limit: options.limit,
      nextToken: options.nextToken,
    });
  }

  /** Approve or reject; approval first checks the group's required metrics. */
  async decide(options: {
    group: string;
    version: string;
    decision: 'Approved' | 'Rejected';
    by: string;
    body: unknown;
  }): Promise<PackageRecord> {
    const { comment } = validate(DecisionSchema, options.body ?? {});
    const target = await this.resolve(options.group, options.version);
    if (options.decision === 'Approved') await checkRequiredMetrics(this.deps, target);
    const now = this.deps.store.clock.now();
    const record = await this.deps.store.transaction(async (tx) => {
      const updated = await this.deps.store.updateResource<PackageSpec, PackageStatus>({
        kind: packageKind,
        name: target.name,
        expectedVersion: target.version,
        status: {
          ...target.status,
          modelApprovalStatus: options.decision,
          ...(options.decision === 'Approved'
            ? { approvedBy: options.by, approvedAt: now }
            : { rejectedBy: options.by, rejectedAt: now }),
          history: [
            ...target.status.history,
            { status: options.decision, by: options.by, at: now, ...(comment ? { comment } : {}) },
          ],
        },
        phase: options.decision,
        tx,
      });
      await this.deps.events.publish({
        resource: `${packageKind}/${target.name}`,
        type: options.decision === 'Approved' ? 'model-package.approved' : 'model-package.rejected',
        detail: {
          modelPackageGroupName: target.spec.modelPackageGroupName,
          modelPackageVersion: target.spec.modelPackageVersion,
          by: options.by,
          comment,
          modelDataUrl: target.spec.modelArtifact?.uri,
        },
        tx,
      });
      return updated;
    });
    return record;
  }

  /** Deploys an Approved version: a model from its serving spec, then the endpoint, as deploy does for a job. */
  async deploy(options: { group: string; version: string; request: unknown }): Promise<EndpointRecord> {
    const target = await this.resolve(options.group, options.version);
    if (target.status.modelApprovalStatus !== 'Approved') {
      throw RegistryErrors.notApproved({
        modelPackage: target.name,
        status: target.status.modelApprovalStatus,
      });
    }
    const request = validate(DeployRequestSchema, options.request);
    if (request.environment) {
      throw invalid(
        'environment',
        `model package ${target.name} deploys with the environment it was approved with; register a new version to change it`,
      );
    }
    const { primaryContainer, servingType } = target.spec.inferenceSpecification;
    const artifact = target.spec.modelArtifact;
    return this.deps.deploy.deployContainer({
      baseName: `${target.spec.modelPackageGroupName}-v${target.spec.modelPackageVersion}`,
      // Exactly the serving spec that was approved, and the artifact hash recorded with it.
      primaryContainer,
      servingType,
      modelDataSha256:
        artifact && artifact.uri === primaryContainer.modelDataUrl ? artifact.sha256 : undefined,
      codeSha256: target.spec.code?.uri === codeOf(primaryContainer) ? target.spec.code?.sha256 : undefined,
      tags: [
        { key: modelPackageTag, value: target.name },
        ...(target.spec.trainingJobName
          ? [{ key: 'trainingJobName', value: target.spec.trainingJobName }]
          : []),
      ],
      request,
    });
  }
}

function codeOf(container: PackageSpec['inferenceSpecification']['primaryContainer']) {
  return container.environment?.SAGEMAKER_SUBMIT_DIRECTORY;
}

export function describePackage(record: PackageRecord, aliases: string[] = []) {
  const { status } = record;
  return {
    ...record.spec,
    modelPackageName: record.name,
    modelPackageArn: record.arn,
    modelApprovalStatus: status.modelApprovalStatus,
    approvedBy: status.approvedBy,
    approvedAt: isoTime(status.approvedAt),
    rejectedBy: status.rejectedBy,
    rejectedAt: isoTime(status.rejectedAt),
    approvalHistory: status.history.map((entry) => ({ ...entry, at: isoTime(entry.at) })),
    aliases,
    creationTime: isoTime(record.createdAt),
    lastModifiedTime: isoTime(record.updatedAt),
  };
}
