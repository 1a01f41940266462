/**
 * The model directory every built-in algorithm writes (SageMaker packs it as model.tar.gz):
 *   model.onnx      the ONNX model (ai.onnx + ai.onnx.ml operators)
 *   metadata.json   ModelMetadata: inputs, outputs, features, classes, metrics
 * Files are written under a temporary name and renamed, so a killed trainer leaves no half file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMetadata, TrainedModel } from './model.ts';

export const MODEL_FILE = 'model.onnx';
export const METADATA_FILE = 'metadata.json';

function writeAtomically(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export function writeModelDir(dir: string, model: Pick<TrainedModel, 'onnx' | 'metadata'>): void {
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, MODEL_FILE), model.onnx);
  writeAtomically(join(dir, METADATA_FILE), `${JSON.stringify(model.metadata, null, 2)}\n`);
}

export function readModelMetadata(dir: string): ModelMetadata {
  return JSON.parse(readFileSync(join(dir, METADATA_FILE), 'utf8')) as ModelMetadata;
}
