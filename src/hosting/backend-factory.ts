/** Starts the backend for a production variant from its model: ONNX workers, a Python handler server, or a container. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { VariantBackend } from '../inference/backends/backend.ts';
import { OnnxBackend } from '../inference/backends/onnx-backend.ts';
import { ServerBackend } from '../inference/backends/server-backend.ts';
import type { RunLedger } from '../runtime/run-ledger.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { materializeModel } from './model-files.ts';
import type { ModelRecord } from './models.ts';

const pythonServer = fileURLToPath(new URL('../inference/python/slipway_serve.py', import.meta.url));

export interface BackendFactoryDeps {
  artifacts: Artifacts;
  runtimes: ReadonlyMap<string, Runtime>;
  python: string;
  workFolder: string;
  /** Records model servers, so those of a Slipway killed outright are ended at the next start. */
  ledger: RunLedger;
  onLog?: (source: string, line: string) => void;
}

export async function startBackend(
  deps: BackendFactoryDeps,
  options: {
    model: ModelRecord;
    endpointName: string;
    variantName: string;
    instanceCount: number;
    generation: string;
  },
): Promise<VariantBackend> {
  const { model } = options;
  const root = join(deps.workFolder, options.endpointName, `${options.variantName}-${options.generation}`);
  await materializeModel(deps.artifacts, model.spec, root, {
    sha256: model.status.modelDataSha256,
    codeSha256: model.status.codeSha256,
  });
  const container = model.spec.primaryContainer;
  const environment = container.environment ?? {};
  const source = `${options.endpointName}/${options.variantName}`;
  const onLog = (instance: string, line: string) => deps.onLog?.(`${source}/${instance}`, line);

  switch (model.status.servingType) {
    case 'onnx':
      return OnnxBackend.start({ modelDir: join(root, 'model'), instanceCount: options.instanceCount });
    case 'python': {
      const runtime = deps.runtimes.get('process')!;
      return ServerBackend.start(
        {
          runtime,
          ledger: deps.ledger,
          command: [deps.python, pythonServer],
          hostRoot: root,
          env: (layoutRoot) => ({
            ...environment,
            SM_MODEL_DIR: join(layoutRoot, 'model'),
            SAGEMAKER_SUBMIT_DIRECTORY_LOCAL: existsSync(join(root, 'code'))
              ? join(layoutRoot, 'code')
              : join(layoutRoot, 'model', 'code'),
            SAGEMAKER_PROGRAM: environment.SAGEMAKER_PROGRAM ?? 'inference.py',
            PYTHONUNBUFFERED: '1',
          }),
          onLog,
        },
        options.instanceCount,
      );
    }
    case 'container': {
      const runtime = deps.runtimes.get(container.image ? 'docker' : 'process')!;
      return ServerBackend.start(
        {
          runtime,
          ledger: deps.ledger,
          image: container.image,
          command: container.command,
          // SageMaker starts inference images as `<image> serve`.
          args: container.image && !container.command ? ['serve'] : undefined,
          hostRoot: root,
          env: (layoutRoot) => ({ ...environment, SM_MODEL_DIR: join(layoutRoot, 'model') }),
          onLog,
        },
        options.instanceCount,
      );
    }
  }
}
