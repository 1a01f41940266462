/**
 * The subset of onnx.proto that Slipway's algorithms write, as plain objects. Field numbers live
 * in encode-model.ts; these types only describe what a model is made of.
 */

/** TensorProto.DataType values used here. */
export const OnnxDataType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  DOUBLE: 11,
} as const;
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export type OnnxAttribute =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: OnnxTensor }
  | { name: string; type: 'floats'; value: ArrayLike<number> }
  | { name: string; type: 'ints'; value: ArrayLike<number> }
  | { name: string; type: 'strings'; value: readonly string[] };

export interface OnnxTensor {
  name?: string;
  dataType: OnnxDataTypeCode;
  dims: readonly number[];
  /** Numbers for numeric types, strings for STRING. */
  values: ArrayLike<number> | readonly string[];
}

export interface OnnxNode {
  opType: string;
  domain?: string;
  name?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

/** A dimension is a fixed size or a symbolic name such as "N" (the batch dimension). */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataTypeCode;
  shape: readonly OnnxDim[];
  docString?: string;
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxOpsetImport {
  domain: string;
  version: number;
}

export interface OnnxModel {
  irVersion: number;
  opsetImports: readonly OnnxOpsetImport[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  metadata?: Record<string, string>;
}

/** Attribute constructors, so call sites read as `attr.ints('class_ids', ids)`. */
export const attr = {
  float: (name: string, value: number): OnnxAttribute => ({ name, type: 'float', value }),
  int: (name: string, value: number): OnnxAttribute => ({ name, type: 'int', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: 'string', value }),
  tensor: (name: string, value: OnnxTensor): OnnxAttribute => ({ name, type: 'tensor', value }),
  floats: (name: string, value: ArrayLike<number>): OnnxAttribute => ({ name, type: 'floats', value }),
  ints: (name: string, value: ArrayLike<number>): OnnxAttribute => ({ name, type: 'ints', value }),
  strings: (name: string, value: readonly string[]): OnnxAttribute => ({ name, type: 'strings', value }),
};
