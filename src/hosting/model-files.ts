/**
 * Puts a model's files on local disk for its instances: model.tar.gz unpacked into `<root>/model`
 * (or a bare .onnx copied in as model.onnx), and the inference code (SAGEMAKER_SUBMIT_DIRECTORY, a
 * folder or sourcedir.tar.gz) into `<root>/code`. Model data or code whose sha256 the model
 * recorded is placed only if it still has that hash.
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { unpackTo } from '../artifacts/tarball.ts';
import { hashUri, isIncidentalCodeFile } from '../experiments/content-hash.ts';
import { HostingErrors } from './errors.ts';
import type { ModelSpec } from './types.ts';

export interface ExpectedHashes {
  /** sha256 of primaryContainer.modelDataUrl, as content-hash computes it. */
  sha256?: string;
  /** sha256 of SAGEMAKER_SUBMIT_DIRECTORY, without incidental files (VCS, interpreter caches). */
  codeSha256?: string;
}

export async function materializeModel(
  artifacts: Artifacts,
  spec: ModelSpec,
  root: string,
  expected: ExpectedHashes = {},
): Promise<void> {
  await rm(root, { recursive: true, force: true });
  const modelDir = join(root, 'model');
  await mkdir(modelDir, { recursive: true });
  const container = spec.primaryContainer;
  if (container.modelDataUrl) {
    await place(artifacts, container.modelDataUrl, {
      field: 'primaryContainer.modelDataUrl',
      dir: modelDir,
      scratch: join(root, 'model-data.download'),
      onnx: true,
      expected: expected.sha256,
    });
  }
  const code = container.environment?.SAGEMAKER_SUBMIT_DIRECTORY;
  if (code) {
    await place(artifacts, code, {
      field: 'primaryContainer.environment.SAGEMAKER_SUBMIT_DIRECTORY',
      dir: join(root, 'code'),
      scratch: join(root, 'code.download'),
      expected: expected.codeSha256,
      exclude: expected.codeSha256 ? isIncidentalCodeFile : undefined,
    });
  }
}

function isTarball(key: string): boolean {
  return key.endsWith('.tar.gz') || key.endsWith('.tgz');
}

/**
 * Copies what `uri` names into `dir`: an archive unpacked, a .onnx (for model data) as model.onnx,
 * another object as itself, a prefix object by object. With an expected hash, an object is copied
 * to local disk once, hashed on the way, and used only if the hash matches, so the bytes checked
 * are the bytes served and a changed archive is never unpacked; a prefix is hashed as the
 * registry hashed it, then downloaded without the files that hash leaves out.
 */
async function place(
  artifacts: Artifacts,
  uri: string,
  options: {
    field: string;
    dir: string;
    scratch: string;
    onnx?: boolean;
    expected?: string;
    exclude?: (key: string) => boolean;
  },
): Promise<void> {
  const { field, dir, expected } = options;
  await mkdir(dir, { recursive: true });
  const mismatch = (found: string) => HostingErrors.modelDataChanged({ field, uri, expected, found });
  const { store, key } = artifacts.resolve(uri, field);
  if (!key || !(await store.head(key))) {
    if (expected) {
      const hashed = await hashUri(artifacts, uri, { field, exclude: options.exclude });
      if (!hashed) throw HostingErrors.artifactMissing({ field, uri });
      if (hashed.sha256 !== expected) throw mismatch(hashed.sha256);
    }
    await artifacts.download(uri, dir, field);
    if (options.exclude) await removeMatching(dir, options.exclude);
    return;
  }
  const into = (source: Readable) =>
    options.onnx && key.endsWith('.onnx')
      ? pipeline(source, createWriteStream(join(dir, 'model.onnx')))
      : isTarball(key)
        ? unpackTo(source, dir)
        : pipeline(source, createWriteStream(join(dir, key)));
  if (!expected) {
    await into(await store.get(key));
    return;
  }
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(await store.get(key), tap, createWriteStream(options.scratch));
    const found = hash.digest('hex');
    if (found !== expected) throw mismatch(found);
    await into(createReadStream(options.scratch));
  } finally {
    await rm(options.scratch, { force: true });
  }
}

/** Removes what a hash left out, so nothing unchecked is served alongside what was checked. */
async function removeMatching(dir: string, exclude: (key: string) => boolean): Promise<void> {
  const entries = await readdir(dir, { recursive: true });
  for (const entry of entries.sort().reverse()) {
    const key = relative(dir, join(dir, entry)).split(sep).join('/');
    if (exclude(key)) await rm(join(dir, entry), { recursive: true, force: true });
  }
}
