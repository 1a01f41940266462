/**
 * The lineage graph: nodes (datasets, code, images, model artifacts, models, endpoints, training
 * jobs, model packages) with content hashes, and typed edges between them, written by the services
 * as they work and walked both ways: upstream ("what produced the model behind endpoint X") and
 * downstream ("which endpoints serve models trained on dataset Y"), level by level to a depth limit.
 */
import { invalid } from '../core/errors.ts';
import type { Store, Tx } from '../store/store.ts';
import {
  type EdgeType,
  type LineageNode,
  type LineageTreeNode,
  type NodeKind,
  type NodeRef,
  nodeKinds,
  refOf,
} from './types.ts';

export interface LineageResult {
  root: LineageTreeNode;
  /** Every node reached, with its distance from the root, nearest first. */
  nodes: Array<LineageNode & { depth: number }>;
  truncated: boolean;
}

export class LineageService {
  constructor(private readonly deps: { store: Store }) {}

  /** Creates the node or refreshes its hash and properties (merged). */
  async recordNode(node: NodeRef & { sha256?: string; properties?: Record<string, unknown>; tx?: Tx }) {
    const now = this.deps.store.clock.now();
    const executor = this.deps.store.executor(node.tx);
    const ref = refOf(node);
    const existing = await executor
      .selectFrom('lineage_nodes')
      .selectAll()
      .where('ref', '=', ref)
      .executeTakeFirst();
    if (existing) {
      const properties = { ...JSON.parse(existing.properties), ...node.properties };
      await executor
        .updateTable('lineage_nodes')
        .set({
          sha256: node.sha256 ?? existing.sha256,
          properties: JSON.stringify(properties),
          updated_at: now,
        })
        .where('ref', '=', ref)
        .execute();
      return;
    }
    await executor
      .insertInto('lineage_nodes')
      .values({
        ref,
        kind: node.kind,
        name: node.name,
        sha256: node.sha256 ?? null,
        properties: JSON.stringify(node.properties ?? {}),
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.column('ref').doNothing())
      .execute();
  }

  /** An edge upstream → downstream; both nodes are created when missing. Recording it twice is harmless. */
  async recordEdge(options: {
    upstream: NodeRef;
    downstream: NodeRef;
    type: EdgeType;
    properties?: Record<string, unknown>;
    tx?: Tx;
  }): Promise<void> {
    await this.recordNode({ ...options.upstream, tx: options.tx });
    await this.recordNode({ ...options.downstream, tx: options.tx });
    await this.deps.store
      .executor(options.tx)
      .insertInto('lineage_edges')
      .values({
        source: refOf(options.upstream),
        target: refOf(options.downstream),
        type: options.type,
        properties: JSON.stringify(options.properties ?? {}),
        created_at: this.deps.store.clock.now(),
      })
      .onConflict((conflict) =>
        conflict
          .columns(['source', 'target', 'type'])
          .doUpdateSet((eb) => ({ properties: eb.ref('excluded.properties') })),
      )
      .execute();
  }

  /** Replaces the edges of `type` into `downstream` (an endpoint moved to other models serves only those). */
  async replaceUpstream(options: {
    downstream: NodeRef;
    type: EdgeType;
    upstream: NodeRef[];
  }): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await tx.executor
        .deleteFrom('lineage_edges')
        .where('target', '=', refOf(options.downstream))
        .where('type', '=', options.type)
        .execute();
      for (const upstream of options.upstream) {
        await this.recordEdge({ upstream, downstream: options.downstream, type: options.type, tx });
      }
    });
  }

  async query(options: {
    kind: string;
    name: string;
    direction?: 'upstream' | 'downstream';
    depth?: number;
  }): Promise<LineageResult> {
    if (!(nodeKinds as readonly string[]).includes(options.kind)) {
      throw invalid('kind', `must be one of ${nodeKinds.join(', ')}`);
    }
    const direction = options.direction ?? 'upstream';
    const maxDepth = options.depth ?? 10;
    const db = this.deps.store.db;
    const rootRef = refOf({ kind: options.kind as NodeKind, name: options.name });
    const rootRow = await db
      .selectFrom('lineage_nodes')
      .selectAll()
      .where('ref', '=', rootRef)
      .executeTakeFirst();
    const rootNode: LineageNode = rootRow
      ? toNode(rootRow)
      : { kind: options.kind as NodeKind, name: options.name, properties: {} };
    const root: LineageTreeNode = { ...rootNode, children: [] };
    const treeNodes = new Map<string, LineageTreeNode>([[rootRef, root]]);
    const reached: LineageResult['nodes'] = [];
    let frontier = [rootRef];
    let truncated = false;
    for (let depth = 1; frontier.length > 0; depth++) {
      const near = direction === 'upstream' ? 'target' : 'source';
      const far = direction === 'upstream' ? 'source' : 'target';
      const edges = await db
        .selectFrom('lineage_edges')
        .selectAll()
        .where(near, 'in', frontier)
        .orderBy(far)
        .execute();
      if (edges.length > 0 && depth > maxDepth) {
        truncated = true;
        break;
      }
      const farRefs = [...new Set(edges.map((edge) => edge[far]))];
      const rows =
        farRefs.length > 0
          ? await db.selectFrom('lineage_nodes').selectAll().where('ref', 'in', farRefs).execute()
          : [];
      const nodesByRef = new Map(rows.map((row) => [row.ref, toNode(row)]));
      const next: string[] = [];
      for (const edge of edges) {
        const parent = treeNodes.get(edge[near])!;
        const ref = edge[far];
        const node = nodesByRef.get(ref) ?? nodeFromRef(ref);
        if (treeNodes.has(ref)) {
          parent.children.push({ ...node, relation: edge.type as EdgeType, repeated: true, children: [] });
          continue;
        }
        const child: LineageTreeNode = { ...node, relation: edge.type as EdgeType, children: [] };
        parent.children.push(child);
        treeNodes.set(ref, child);
        reached.push({ ...node, depth });
        next.push(ref);
      }
      frontier = next;
    }
    return { root, nodes: reached, truncated };
  }
}

function toNode(row: { kind: string; name: string; sha256: string | null; properties: string }): LineageNode {
  return {
    kind: row.kind as NodeKind,
    name: row.name,
    ...(row.sha256 ? { sha256: row.sha256 } : {}),
    properties: JSON.parse(row.properties),
  };
}

function nodeFromRef(ref: string): LineageNode {
  const slash = ref.indexOf('/');
  return { kind: ref.slice(0, slash) as NodeKind, name: ref.slice(slash + 1), properties: {} };
}
