/** A workflow graph as a Mermaid flowchart, states coloured by an execution's progress. */
import type { StateStatus, WorkflowGraph } from './graph-model.ts';

export const statusColours: Record<StateStatus, { fill: string; stroke: string }> = {
  succeeded: { fill: '#d4edda', stroke: '#28a745' },
  failed: { fill: '#f8d7da', stroke: '#dc3545' },
  running: { fill: '#cce5ff', stroke: '#0d6efd' },
  caught: { fill: '#fff3cd', stroke: '#ffc107' },
  'not-started': { fill: '#f8f9fa', stroke: '#adb5bd' },
};

const quote = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

export function renderMermaid(graph: WorkflowGraph, statuses?: Map<string, StateStatus>): string {
  const lines = ['flowchart TD', '  start((Start))'];
  const nodeLine = (node: WorkflowGraph['nodes'][number]) =>
    `${node.id}[${quote(`${node.name}<br/><i>${node.type}</i>`)}]`;
  const emitGroup = (group: string, indent: string) => {
    for (const node of graph.nodes.filter((n) => n.group === group)) lines.push(`${indent}${nodeLine(node)}`);
    for (const child of graph.groups.filter((g) => g.parent === group)) {
      lines.push(`${indent}subgraph ${child.id} [${quote(child.label)}]`);
      emitGroup(child.id, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  emitGroup('', '  ');
  lines.push(`  start --> ${graph.start}`);
  const hasTopEnd = graph.nodes.some((n) => n.group === '' && isTerminal(graph, n.id));
  if (hasTopEnd) lines.push('  finish((End))');
  for (const edge of graph.edges) {
    const label = edge.label ? `|${quote(edge.label)}|` : '';
    const arrow = edge.kind === 'catch' ? '-.->' : '-->';
    lines.push(`  ${edge.from} ${arrow}${label} ${edge.to}`);
  }
  for (const node of graph.nodes)
    if (node.group === '' && isTerminal(graph, node.id)) lines.push(`  ${node.id} --> finish`);
  if (statuses) {
    for (const [status, colour] of Object.entries(statusColours))
      lines.push(`  classDef ${classOf(status as StateStatus)} fill:${colour.fill},stroke:${colour.stroke}`);
    const byStatus = new Map<StateStatus, string[]>();
    for (const node of graph.nodes) {
      const status = statuses.get(node.name) ?? 'not-started';
      byStatus.set(status, [...(byStatus.get(status) ?? []), node.id]);
    }
    for (const [status, ids] of byStatus) lines.push(`  class ${ids.join(',')} ${classOf(status)}`);
  }
  return `${lines.join('\n')}\n`;
}

const classOf = (status: StateStatus) => status.replace('-', '');

/** A top-level state that ends the machine (End, Succeed, Fail) and has no outgoing next edge. */
export function isTerminal(graph: WorkflowGraph, id: string): boolean {
  const node = graph.nodes.find((n) => n.id === id)!;
  if (node.type === 'Succeed' || node.type === 'Fail') return true;
  return !graph.edges.some(
    (e) => e.from === id && (e.kind === 'next' || e.kind === 'choice' || e.kind === 'default'),
  );
}
