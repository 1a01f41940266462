/**
 * Lineage tables. A node is named by its ref, `<kind>/<name>` (e.g. `dataset/file:///data/train`,
 * `endpoint/penguins`); an edge goes from upstream to downstream, with a type that reads
 * downstream-to-upstream for `produced-by` and upstream-to-downstream for `used-by` and `deployed-as`.
 */
export interface LineageNodesTable {
  ref: string;
  kind: string;
  name: string;
  /** Content hash, where the node has content (data, code, model artifacts). */
  sha256: string | null;
  /** JSON object of what else is known (URI, git commit, image, …). */
  properties: string;
  created_at: number;
  updated_at: number;
}

export interface LineageEdgesTable {
  source: string;
  target: string;
  type: string;
  /** JSON: e.g. the content hash the job saw when it used a dataset. */
  properties: string;
  created_at: number;
}

export interface LineageTables {
  lineage_nodes: LineageNodesTable;
  lineage_edges: LineageEdgesTable;
}
