/**
 * Serialises an OnnxModel to the ONNX protobuf wire format. Field numbers follow onnx.proto
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
 * TensorShapeProto, OperatorSetIdProto, StringStringEntryProto).
 */
import {
  AttributeType,
  type OnnxAttribute,
  OnnxDataType,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-types.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

const textEncoder = new TextEncoder();

export function encodeTensor(tensor: OnnxTensor): Uint8Array {
  const w = new ProtobufWriter();
  // TensorProto: dims=1, data_type=2, float_data=4, int32_data=5, string_data=6, int64_data=7,
  // name=8, double_data=10.
  if (tensor.dims.length > 0) w.packedInts(1, tensor.dims);
  w.int(2, tensor.dataType);
  if (tensor.name) w.string(8, tensor.name);
  switch (tensor.dataType) {
    case OnnxDataType.FLOAT:
      w.packedFloats(4, tensor.values as ArrayLike<number>);
      break;
    case OnnxDataType.INT32:
      w.packedInts(5, tensor.values as ArrayLike<number>);
      break;
    case OnnxDataType.INT64:
      w.packedInts(7, tensor.values as ArrayLike<number>);
      break;
    case OnnxDataType.STRING:
      for (const s of tensor.values as readonly string[]) w.bytes(6, textEncoder.encode(s));
      break;
    case OnnxDataType.DOUBLE: {
      // double_data is packed fixed64; raw_data (field 9) carries the same bytes more simply.
      const values = tensor.values as ArrayLike<number>;
      const raw = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) raw[i] = values[i];
      w.bytes(9, new Uint8Array(raw.buffer));
      break;
    }
  }
  return w.finish();
}

export function encodeAttribute(attribute: OnnxAttribute): Uint8Array {
  const w = new ProtobufWriter();
  // AttributeProto: name=1, f=2, i=3, s=4, t=5, floats=7, ints=8, strings=9, type=20.
  w.string(1, attribute.name);
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value).int(20, AttributeType.FLOAT);
      break;
    case 'int':
      w.int(3, attribute.value).int(20, AttributeType.INT);
      break;
    case 'string':
      w.string(4, attribute.value).int(20, AttributeType.STRING);
      break;
    case 'tensor':
      w.message(5, encodeTensor(attribute.value)).int(20, AttributeType.TENSOR);
      break;
    case 'floats':
      w.packedFloats(7, attribute.value).int(20, AttributeType.FLOATS);
      break;
    case 'ints':
      w.packedInts(8, attribute.value).int(20, AttributeType.INTS);
      break;
    case 'strings':
      for (const s of attribute.value) w.string(9, s);
      w.int(20, AttributeType.STRINGS);
      break;
  }
  return w.finish();
}

export function encodeNode(node: OnnxNode): Uint8Array {
  const w = new ProtobufWriter();
  // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7.
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const a of node.attributes ?? []) w.message(5, encodeAttribute(a));
  if (node.domain) w.string(7, node.domain);
  return w.finish();
}

export function encodeValueInfo(info: OnnxValueInfo): Uint8Array {
  // TensorShapeProto.Dimension: dim_value=1, dim_param=2; TensorShapeProto: dim=1.
  const shape = new ProtobufWriter();
  for (const dim of info.shape) {
    const d = new ProtobufWriter();
    if (typeof dim === 'number') d.int(1, dim);
    else d.string(2, dim);
    shape.message(1, d.finish());
  }
  // TypeProto.Tensor: elem_type=1, shape=2; TypeProto: tensor_type=1.
  const tensorType = new ProtobufWriter().int(1, info.elemType).message(2, shape.finish()).finish();
  const type = new ProtobufWriter().message(1, tensorType).finish();
  // ValueInfoProto: name=1, type=2, doc_string=3.
  const w = new ProtobufWriter().string(1, info.name).message(2, type);
  if (info.docString) w.string(3, info.docString);
  return w.finish();
}

export function encodeGraph(graph: OnnxGraph): Uint8Array {
  const w = new ProtobufWriter();
  // GraphProto: node=1, name=2, initializer=5, input=11, output=12.
  for (const node of graph.nodes) w.message(1, encodeNode(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, encodeTensor(tensor));
  for (const input of graph.inputs) w.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.message(12, encodeValueInfo(output));
  return w.finish();
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtobufWriter();
  // ModelProto: ir_version=1, producer_name=2, producer_version=3, doc_string=6, graph=7,
  // opset_import=8, metadata_props=14.
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, encodeGraph(model.graph));
  for (const opset of model.opsetImports) {
    // OperatorSetIdProto: domain=1, version=2.
    w.message(8, new ProtobufWriter().string(1, opset.domain).int(2, opset.version).finish());
  }
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    // StringStringEntryProto: key=1, value=2.
    w.message(14, new ProtobufWriter().string(1, key).string(2, value).finish());
  }
  return w.finish();
}
