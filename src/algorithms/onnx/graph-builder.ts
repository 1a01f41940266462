/**
 * Accumulates nodes, initializers, inputs and outputs of one ONNX graph and hands out unique
 * intermediate names, so exporters describe computation rather than bookkeeping.
 */
import { encodeModel } from './encode-model.ts';
import type {
  OnnxAttribute,
  OnnxDataTypeCode,
  OnnxDim,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx-types.ts';

/** ai.onnx opset 17 and ai.onnx.ml 3 are supported by every maintained runtime (ORT >= 1.12). */
export const DEFAULT_OPSETS = [
  { domain: '', version: 17 },
  { domain: 'ai.onnx.ml', version: 3 },
] as const;
/** IR version 8 goes with opset 17. */
export const DEFAULT_IR_VERSION = 8;
export const ML_DOMAIN = 'ai.onnx.ml';

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly name: string) {}

  /** A name not used yet in this graph, derived from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  input(name: string, elemType: OnnxDataTypeCode, shape: readonly OnnxDim[], docString?: string): string {
    this.used.add(name);
    this.inputs.push({ name, elemType, shape, docString });
    return name;
  }

  output(name: string, elemType: OnnxDataTypeCode, shape: readonly OnnxDim[], docString?: string): void {
    this.outputs.push({ name, elemType, shape, docString });
  }

  constant(hint: string, tensor: Omit<OnnxTensor, 'name'>): string {
    const name = this.fresh(hint);
    this.initializers.push({ ...tensor, name });
    return name;
  }

  /**
   * Adds a node; `outputs` are taken as exact names when given as `{ exact }`, otherwise made
   * unique from the hint. Returns the output names in order.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly (string | { exact: string })[],
    attributes: readonly OnnxAttribute[] = [],
    domain = '',
  ): string[] {
    const names = outputs.map((o) => {
      if (typeof o === 'string') return this.fresh(o);
      this.used.add(o.exact);
      return o.exact;
    });
    this.nodes.push({
      opType,
      domain,
      inputs,
      outputs: names,
      attributes,
      name: this.fresh(`${opType}_node`),
    });
    return names;
  }

  /** The serialised model. */
  toBytes(options: { docString?: string; metadata?: Record<string, string> } = {}): Uint8Array {
    return encodeModel({
      irVersion: DEFAULT_IR_VERSION,
      opsetImports: DEFAULT_OPSETS,
      producerName: 'slipway',
      producerVersion: '0.1.0',
      docString: options.docString,
      metadata: options.metadata,
      graph: {
        name: this.name,
        nodes: this.nodes,
        initializers: this.initializers,
        inputs: this.inputs,
        outputs: this.outputs,
      },
    });
  }
}
