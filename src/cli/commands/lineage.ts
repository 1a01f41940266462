/** `slipway lineage <kind>/<name>`: what produced a thing (upstream) or what used it (downstream), as a tree. */
import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import { clientFor, globalsOf } from '../context.ts';
import { colour, printJson } from '../output.ts';

type Node = Record<string, any>;

type Direction = 'upstream' | 'downstream';

/**
 * An edge as read from the parent line to the child line. Edges run upstream → downstream
 * (`training-job produced-by→ model-artifact`), so walking upstream reads them backwards:
 * an artifact was "produced by" its job, and a job "uses" its dataset.
 */
const relationWords: Record<string, Record<Direction, string>> = {
  'produced-by': { upstream: 'produced by', downstream: 'produced' },
  'used-by': { upstream: 'uses', downstream: 'used by' },
  'deployed-as': { upstream: 'serves', downstream: 'deployed as' },
};

/** The tree with box-drawing branches, one node a line: `relation kind/name sha256…`. */
export function renderTree(root: Node, direction: Direction = 'upstream'): string {
  const label = (node: Node) => {
    const hash = node.sha256 ? colour.dim(` sha256 ${node.sha256.slice(0, 12)}…`) : '';
    const words = node.relation ? (relationWords[node.relation]?.[direction] ?? node.relation) : '';
    const relation = words ? colour.dim(`${words} `) : '';
    return `${relation}${colour.bold(`${node.kind}/`)}${node.name}${hash}${node.repeated ? colour.dim(' (see above)') : ''}`;
  };
  const lines = [label(root)];
  const walk = (node: Node, prefix: string) => {
    node.children.forEach((child: Node, index: number) => {
      const last = index === node.children.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label(child)}`);
      walk(child, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(root, '');
  return lines.join('\n');
}

export function registerLineage(program: Command) {
  program
    .command('lineage <resource>')
    .description('lineage of endpoint/<name>, model/<name>, training-job/<name>, dataset/<uri>, … as a tree')
    .option('--downstream', 'what used it (default: upstream, what produced it)')
    .option('--depth <n>', 'levels to walk (1-25)', '10')
    .action(async (resource: string, options: { downstream?: boolean; depth: string }, command: Command) => {
      const slash = resource.indexOf('/');
      if (slash <= 0 || slash === resource.length - 1) {
        throw invalid('resource', `"${resource}" is not <kind>/<name>, e.g. endpoint/penguins`);
      }
      const kind = resource.slice(0, slash);
      const name = resource.slice(slash + 1);
      const direction: Direction = options.downstream ? 'downstream' : 'upstream';
      const result = await clientFor(command).get<Node>(
        `/api/v1/lineage/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`,
        { direction, depth: options.depth },
      );
      if (globalsOf(command).json) return printJson(result);
      process.stdout.write(`${renderTree(result.root, direction)}\n`);
      if (result.truncated)
        process.stdout.write(colour.dim(`(stopped at depth ${options.depth}; use --depth to go further)\n`));
    });
}
