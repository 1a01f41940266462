/** Lineage node kinds and edge types, and the query's shapes. */
import { StrictObject, Type } from '../core/schema.ts';

export const nodeKinds = [
  'dataset',
  'code',
  'image',
  'model-artifact',
  'model',
  'endpoint',
  'training-job',
  'model-package',
] as const;
export type NodeKind = (typeof nodeKinds)[number];

/**
 * Edges run upstream → downstream. `produced-by`: the downstream was produced by the upstream (a
 * model artifact by a training job); `used-by`: the upstream was used by the downstream (a dataset by
 * a job, an artifact by a model); `deployed-as`: a model is served by an endpoint.
 */
export const edgeTypes = ['produced-by', 'used-by', 'deployed-as'] as const;
export type EdgeType = (typeof edgeTypes)[number];

export interface NodeRef {
  kind: NodeKind;
  name: string;
}

export interface LineageNode extends NodeRef {
  sha256?: string;
  properties: Record<string, unknown>;
}

export interface LineageTreeNode extends LineageNode {
  /** How this node relates to its parent in the tree (absent on the root). */
  relation?: EdgeType;
  /** Already shown elsewhere in the tree: not expanded again. */
  repeated?: boolean;
  children: LineageTreeNode[];
}

export const LineageQuerySchema = StrictObject({
  direction: Type.Optional(Type.Union([Type.Literal('upstream'), Type.Literal('downstream')])),
  depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 25 })),
});

export function refOf(node: NodeRef): string {
  return `${node.kind}/${node.name}`;
}
