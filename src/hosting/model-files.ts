/**
 * Puts a model's files on local disk for its instances: model.tar.gz unpacked into `<root>/model`
 * (or a bare .onnx copied in as model.onnx), and the inference code (SAGEMAKER_SUBMIT_DIRECTORY, a
 * folder or sourcedir.tar.gz) into `<root>/code`. A model that records its artifact's sha256 is
 * loaded only if the artifact still has it.
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { unpackTo } from '../artifacts/tarball.ts';
import { hashUri } from '../experiments/content-hash.ts';
import { HostingErrors } from './errors.ts';
import type { ModelSpec } from './types.ts';

const modelField = 'primaryContainer.modelDataUrl';

export async function materializeModel(
  artifacts: Artifacts,
  spec: ModelSpec,
  root: string,
  options: { sha256?: string } = {},
): Promise<void> {
  await rm(root, { recursive: true, force: true });
  const modelDir = join(root, 'model');
  await mkdir(modelDir, { recursive: true });
  const container = spec.primaryContainer;
  if (container.modelDataUrl && options.sha256) {
    await verifiedModelData(artifacts, container.modelDataUrl, options.sha256, root, modelDir);
  } else if (container.modelDataUrl) {
    const { store, key } = artifacts.resolve(container.modelDataUrl, modelField);
    if (key.endsWith('.onnx')) {
      await pipeline(await store.get(key), createWriteStream(join(modelDir, 'model.onnx')));
    } else if (isTarball(key)) {
      await unpackTo(await store.get(key), modelDir);
    } else {
      await artifacts.download(container.modelDataUrl, modelDir, modelField);
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

function isTarball(key: string): boolean {
  return key.endsWith('.tar.gz') || key.endsWith('.tgz');
}

/**
 * An object is copied to local disk once, hashed on the way, and only unpacked if the hash
 * matches: the bytes checked are the bytes served, and a changed archive is never unpacked. A
 * prefix (a folder of files) is hashed as the registry hashed it, then downloaded.
 */
async function verifiedModelData(
  artifacts: Artifacts,
  uri: string,
  expected: string,
  root: string,
  modelDir: string,
): Promise<void> {
  const mismatch = (found: string) =>
    HostingErrors.modelDataChanged({ field: modelField, uri, expected, found });
  const { store, key } = artifacts.resolve(uri, modelField);
  if (!key || !(await store.head(key))) {
    const hashed = await hashUri(artifacts, uri, { field: modelField });
    if (!hashed) throw HostingErrors.artifactMissing({ field: modelField, uri });
    if (hashed.sha256 !== expected) throw mismatch(hashed.sha256);
    await artifacts.download(uri, modelDir, modelField);
    return;
  }
  const local = join(root, 'model-data.download');
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(await store.get(key), tap, createWriteStream(local));
  const found = hash.digest('hex');
  if (found !== expected) {
    await rm(local, { force: true });
    throw mismatch(found);
  }
  if (key.endsWith('.onnx')) await rename(local, join(modelDir, 'model.onnx'));
  else if (isTarball(key)) {
    await unpackTo(createReadStream(local), modelDir);
    await rm(local, { force: true });
  } else await rename(local, join(modelDir, key));
}
