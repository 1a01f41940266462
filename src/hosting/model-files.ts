/**
 * Puts a model's files on local disk for its instances: model.tar.gz unpacked into `<root>/model`
 * (or a bare .onnx copied in as model.onnx), and the inference code (SAGEMAKER_SUBMIT_DIRECTORY, a
 * folder or sourcedir.tar.gz) into `<root>/code`.
 */

import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { unpackTo } from '../artifacts/tarball.ts';
import type { ModelSpec } from './types.ts';

export async function materializeModel(artifacts: Artifacts, spec: ModelSpec, root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  const modelDir = join(root, 'model');
  await mkdir(modelDir, { recursive: true });
  const container = spec.primaryContainer;
  if (container.modelDataUrl) {
    const { store, key } = artifacts.resolve(container.modelDataUrl, 'primaryContainer.modelDataUrl');
    if (key.endsWith('.onnx')) {
      await pipeline(await store.get(key), createWriteStream(join(modelDir, 'model.onnx')));
    } else if (key.endsWith('.tar.gz') || key.endsWith('.tgz')) {
      await unpackTo(await store.get(key), modelDir);
    } else {
      await artifacts.download(container.modelDataUrl, modelDir, 'primaryContainer.modelDataUrl');
    }
  }
  const code = container.environment?.SAGEMAKER_SUBMIT_DIRECTORY;
  if (code) {
    const codeDir = join(root, 'code');
    if (code.endsWith('.tar.gz')) {
      const { store, key } = artifacts.resolve(
        code,
        'primaryContainer.environment.SAGEMAKER_SUBMIT_DIRECTORY',
      );
      await unpackTo(await store.get(key), codeDir);
    } else {
      await artifacts.download(code, codeDir, 'primaryContainer.environment.SAGEMAKER_SUBMIT_DIRECTORY');
    }
  }
}
