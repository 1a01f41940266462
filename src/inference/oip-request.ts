/**
 * The Open Inference Protocol's infer request, read and checked against the model's own tensors
 * before anything reaches the runtime: every input the model has, once, under its name, with its
 * datatype, its rank and fixed dimensions, and values of that type; requested outputs that exist.
 * Each refusal names the field (`inputs[1].datatype`, `outputs[0].name`).
 */
import { HostingErrors } from '../hosting/errors.ts';
import type { TensorInfo } from './backends/onnx-model.ts';

export interface InferRequest {
  id?: string;
  inputs: Record<string, { data: unknown[]; shape: number[]; datatype: string }>;
  outputs?: string[];
}

const datatypes = ['FP32', 'FP64', 'INT32', 'INT64', 'BYTES'];
const numeric = new Set(['FP32', 'FP64', 'INT32', 'INT64']);

function refuse(reason: string): never {
  throw HostingErrors.badPayload({ reason });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Parses and checks the body; `tensors` are the model's, where the backend knows them. */
export function parseInferRequest(
  body: Buffer,
  tensors?: { inputs: TensorInfo[]; outputs: TensorInfo[] },
): InferRequest {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (error) {
    refuse(`the body is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(payload)) refuse('the body must be a JSON object with "inputs"');
  if (payload.id !== undefined && typeof payload.id !== 'string') refuse('id: must be a string');
  if (!Array.isArray(payload.inputs) || payload.inputs.length === 0)
    refuse('inputs: must be a non-empty array of tensors');

  const declared = new Map(tensors?.inputs.map((tensor) => [tensor.name, tensor]));
  // A null prototype: an input named "__proto__" or "constructor" is just a name.
  const inputs: InferRequest['inputs'] = Object.create(null);
  for (const [index, tensor] of payload.inputs.entries()) {
    const where = `inputs[${index}]`;
    if (!isObject(tensor)) refuse(`${where}: must be an object with name, shape, datatype and data`);
    const { name, shape, datatype } = tensor;
    if (typeof name !== 'string' || name === '') refuse(`${where}.name: must be a non-empty string`);
    if (Object.hasOwn(inputs, name)) refuse(`${where}.name: "${name}" is given twice`);
    const model = declared.get(name);
    if (tensors && !model)
      refuse(
        `${where}.name: "${name}" is not an input of the model (inputs: ${[...declared.keys()].join(', ')})`,
      );
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      refuse(`${where}.shape: must be an array of non-negative integers`);
    if (typeof datatype !== 'string' || !datatypes.includes(datatype))
      refuse(`${where}.datatype: must be one of ${datatypes.join(', ')}`);
    if (model) checkAgainstModel(where, shape as number[], datatype, model);
    // Row-major data may come nested or flat.
    if (!Array.isArray(tensor.data)) refuse(`${where}.data: must be an array`);
    const data = (tensor.data as unknown[]).flat(Number.POSITIVE_INFINITY);
    const expected = (shape as number[]).reduce((a, b) => a * b, 1);
    if (data.length !== expected)
      refuse(`${where}.data: shape ${JSON.stringify(shape)} needs ${expected} values, got ${data.length}`);
    const wrong = numeric.has(datatype)
      ? data.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value))
      : data.findIndex((value) => typeof value !== 'string');
    if (wrong !== -1)
      refuse(
        `${where}.data[${wrong}]: must be ${numeric.has(datatype) ? 'a finite number' : 'a string'} for ${datatype}, got ${JSON.stringify(data[wrong])}`,
      );
    inputs[name] = { data, shape: shape as number[], datatype: datatype === 'BYTES' ? 'BYTES' : 'FP32' };
  }
  const missing = [...declared.keys()].filter((name) => !Object.hasOwn(inputs, name));
  if (missing.length > 0) refuse(`inputs: the model also needs ${missing.join(', ')}`);
  return {
    id: payload.id as string | undefined,
    inputs,
    outputs: requestedOutputs(payload.outputs, tensors),
  };
}

/** The model declares each input's type and its dimensions (-1 where any size goes). */
function checkAgainstModel(where: string, shape: number[], datatype: string, model: TensorInfo): void {
  const wantsText = model.datatype === 'BYTES';
  if (wantsText !== (datatype === 'BYTES'))
    refuse(`${where}.datatype: the model's input "${model.name}" is ${model.datatype}, got ${datatype}`);
  const mismatch =
    shape.length !== model.shape.length ||
    model.shape.some((size, axis) => size >= 0 && shape[axis] !== size);
  if (mismatch)
    refuse(
      `${where}.shape: the model's input "${model.name}" has shape ${JSON.stringify(model.shape)}, got ${JSON.stringify(shape)}`,
    );
}

function requestedOutputs(value: unknown, tensors?: { outputs: TensorInfo[] }): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) refuse('outputs: must be an array of {"name": ...}');
  const known = new Set(tensors?.outputs.map((tensor) => tensor.name));
  return value.map((output, index) => {
    if (!isObject(output) || typeof output.name !== 'string')
      refuse(`outputs[${index}].name: must be a string`);
    if (tensors && !known.has(output.name))
      refuse(
        `outputs[${index}].name: "${output.name}" is not an output of the model (outputs: ${[...known].join(', ')})`,
      );
    return output.name;
  });
}
