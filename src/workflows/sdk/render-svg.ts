/**
 * A workflow graph as a standalone SVG: states in layers by their distance from the start (a
 * breadth-first walk, so loops through a Choice do not stretch the drawing), nested states
 * included, coloured by an execution's progress.
 */
import type { StateStatus, WorkflowGraph } from './graph-model.ts';
import { statusColours } from './render-mermaid.ts';

const width = 180;
const height = 44;
const gapX = 40;
const gapY = 56;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderSvg(graph: WorkflowGraph, statuses?: Map<string, StateStatus>): string {
  const layer = new Map<string, number>([[graph.start, 0]]);
  const queue = [graph.start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const edge of graph.edges)
      if (edge.from === id && !layer.has(edge.to)) {
        layer.set(edge.to, layer.get(id)! + 1);
        queue.push(edge.to);
      }
  }
  // Unreachable nodes (not in valid definitions) go last rather than being dropped.
  const last = Math.max(0, ...layer.values()) + 1;
  for (const node of graph.nodes) if (!layer.has(node.id)) layer.set(node.id, last);
  const rows = new Map<number, string[]>();
  for (const node of graph.nodes) {
    const row = layer.get(node.id)!;
    rows.set(row, [...(rows.get(row) ?? []), node.id]);
  }
  const columns = Math.max(...[...rows.values()].map((r) => r.length));
  const totalWidth = columns * (width + gapX) + gapX;
  const position = new Map<string, { x: number; y: number }>();
  for (const [row, ids] of rows) {
    const rowWidth = ids.length * (width + gapX) - gapX;
    ids.forEach((id, index) => {
      position.set(id, {
        x: (totalWidth - rowWidth) / 2 + index * (width + gapX),
        y: gapY / 2 + row * (height + gapY),
      });
    });
  }
  const totalHeight = (Math.max(...rows.keys()) + 1) * (height + gapY);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="sans-serif" font-size="13">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
  ];
  for (const edge of graph.edges) {
    const a = position.get(edge.from)!;
    const b = position.get(edge.to)!;
    const dash = edge.kind === 'catch' ? ' stroke-dasharray="5,4"' : '';
    parts.push(
      `<line x1="${a.x + width / 2}" y1="${a.y + height}" x2="${b.x + width / 2}" y2="${b.y}" stroke="#555"${dash} marker-end="url(#arrow)"><title>${escapeXml(edge.label ?? edge.kind)}</title></line>`,
    );
  }
  for (const node of graph.nodes) {
    const p = position.get(node.id)!;
    const status = statuses?.get(node.name) ?? 'not-started';
    const colour = statuses ? statusColours[status] : { fill: '#ffffff', stroke: '#555555' };
    parts.push(
      `<g data-state="${escapeXml(node.name)}" data-status="${statuses ? status : ''}">` +
        `<rect x="${p.x}" y="${p.y}" width="${width}" height="${height}" rx="8" fill="${colour.fill}" stroke="${colour.stroke}"/>` +
        `<text x="${p.x + width / 2}" y="${p.y + 19}" text-anchor="middle">${escapeXml(node.name)}</text>` +
        `<text x="${p.x + width / 2}" y="${p.y + 35}" text-anchor="middle" font-size="10" fill="#666">${node.type}</text></g>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
