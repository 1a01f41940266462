/** Models: an artifact plus how to serve it (SageMaker CreateModel). */
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { TrustMode } from '../core/trust-mode.ts';
import type { ResourceRecord, Store } from '../store/store.ts';
import { HostingErrors } from './errors.ts';
import { type ModelSpec, ModelSpecSchema, type ServingType } from './types.ts';

export const modelKind = 'model';
export interface ModelStatus {
  servingType: ServingType;
  /**
   * The sha256 modelDataUrl had when what it came from (a training job, a registry version) was
   * recorded; loading the model re-checks it, so what is served is what was approved.
   */
  modelDataSha256?: string;
  /** The same for the inference code (SAGEMAKER_SUBMIT_DIRECTORY), without incidental files. */
  codeSha256?: string;
}
export type ModelRecord = ResourceRecord<ModelSpec, ModelStatus>;

/** The serving type when the spec does not say: an image or command is a container, SAGEMAKER_PROGRAM is Python. */
export function servingTypeOf(spec: ModelSpec): ServingType {
  if (spec.servingType) return spec.servingType;
  const container = spec.primaryContainer;
  if (container.image || container.command) return 'container';
  if (container.environment?.SAGEMAKER_PROGRAM) return 'python';
  return 'onnx';
}

export class ModelService {
  constructor(
    private readonly deps: { store: Store; artifacts: Artifacts; events: EventBus; trust: TrustMode },
  ) {}

  async create(options: {
    spec: unknown;
    modelDataSha256?: string;
    codeSha256?: string;
  }): Promise<ModelRecord> {
    const spec = validate(ModelSpecSchema, options.spec);
    const servingType = servingTypeOf(spec);
    const container = spec.primaryContainer;
    if (servingType === 'onnx' && !container.modelDataUrl) {
      throw HostingErrors.noModelSource({
        servingType,
        needs: 'modelDataUrl (a model.tar.gz with model.onnx, or a .onnx file)',
      });
    }
    if (servingType === 'python' && !container.modelDataUrl) {
      throw HostingErrors.noModelSource({
        servingType,
        needs: 'modelDataUrl (the model.tar.gz that model_fn loads)',
      });
    }
    if (servingType === 'container' && !container.image && !container.command) {
      throw HostingErrors.noModelSource({ servingType, needs: 'an image or a command' });
    }
    // ONNX models are served by Slipway itself; a command or a Python handler is the user's code.
    if (servingType === 'container') {
      const image = this.deps.trust.imageForUserCode(container.image, 'primaryContainer.image');
      if (image) container.image = image;
    }
    if (servingType === 'python')
      this.deps.trust.requireProcessRuntime(
        'primaryContainer.environment.SAGEMAKER_PROGRAM',
        'a Python handler (inference.py) served without an image',
      );
    if (container.modelDataUrl)
      await this.requireArtifact(container.modelDataUrl, 'primaryContainer.modelDataUrl');
    const code = container.environment?.SAGEMAKER_SUBMIT_DIRECTORY;
    if (code) await this.requireArtifact(code, 'primaryContainer.environment.SAGEMAKER_SUBMIT_DIRECTORY');
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.createResource<ModelSpec, ModelStatus>({
        kind: modelKind,
        name: spec.modelName,
        arn: arnOf('sagemaker', 'model', spec.modelName),
        spec,
        status: {
          servingType,
          ...(options.modelDataSha256 && container.modelDataUrl
            ? { modelDataSha256: options.modelDataSha256 }
            : {}),
          ...(options.codeSha256 && code ? { codeSha256: options.codeSha256 } : {}),
        },
        phase: 'Created',
        tx,
      });
      await this.deps.events.publish({
        resource: `model/${spec.modelName}`,
        type: 'model.created',
        detail: { servingType },
        tx,
      });
      return record;
    });
  }

  private async requireArtifact(uri: string, field: string): Promise<void> {
    const { store, key } = this.deps.artifacts.resolve(uri, field);
    if (key && (await store.head(key))) return;
    const objects = await this.deps.artifacts.storeFor(uri.replace(/\/*$/, '/'), field).list('');
    if (objects.length === 0) throw HostingErrors.artifactMissing({ field, uri });
  }

  get(name: string): Promise<ModelRecord> {
    return this.deps.store.requireResource({ kind: modelKind, name });
  }

  find(name: string): Promise<ModelRecord | undefined> {
    return this.deps.store.getResource({ kind: modelKind, name });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.deps.store.listResources<ModelSpec, ModelStatus>({
      kind: modelKind,
      ...options,
    });
  }

  async delete(name: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await this.deps.store.deleteResource({ kind: modelKind, name, tx });
      await this.deps.events.publish({ resource: `model/${name}`, type: 'model.deleted', tx });
    });
  }
}
