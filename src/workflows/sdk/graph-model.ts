/**
 * A workflow as a graph (nodes, edges, nested groups), built from its ASL definition, and the
 * status of each state from an execution's history: what the Mermaid and SVG renderers draw.
 */
import type { MachineDefinition } from '../asl/index.ts';

export type StateStatus = 'succeeded' | 'failed' | 'running' | 'caught' | 'not-started';

export interface GraphNode {
  id: string;
  name: string;
  type: string;
  /** The group (Parallel branch or Map iterator) the node is in; '' for the top level. */
  group: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  kind: 'next' | 'choice' | 'default' | 'catch' | 'branch' | 'end';
}

export interface GraphGroup {
  id: string;
  label: string;
  parent: string;
}

export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  start: string;
}

export function buildGraph(definition: MachineDefinition): WorkflowGraph {
  const graph: WorkflowGraph = { nodes: [], edges: [], groups: [], start: '' };
  let counter = 0;
  const addMachine = (machine: MachineDefinition, group: string, exits: string[]): string => {
    const ids = new Map<string, string>();
    for (const name of Object.keys(machine.States)) ids.set(name, `n${counter++}`);
    for (const [name, state] of Object.entries(machine.States)) {
      const id = ids.get(name)!;
      graph.nodes.push({ id, name, type: state.Type, group });
      const to = (target: string) => ids.get(target)!;
      const followers: string[] = [];
      if (state.Next) {
        graph.edges.push({ from: id, to: to(state.Next), kind: 'next' });
        followers.push(to(state.Next));
      }
      for (const rule of state.Choices ?? [])
        if (rule.Next)
          graph.edges.push({ from: id, to: to(rule.Next), kind: 'choice', label: ruleLabel(rule) });
      if (state.Default)
        graph.edges.push({ from: id, to: to(state.Default), kind: 'default', label: 'default' });
      for (const c of state.Catch ?? [])
        graph.edges.push({
          from: id,
          to: to(c.Next),
          kind: 'catch',
          label: `catch ${c.ErrorEquals.join(', ')}`,
        });
      const nested = [
        ...(state.Branches ?? []).map((b, i) => ({ machine: b, label: `${name} branch ${i + 1}` })),
        ...((state.ItemProcessor ?? state.Iterator)
          ? [{ machine: (state.ItemProcessor ?? state.Iterator)!, label: `${name} (per item)` }]
          : []),
      ];
      for (const { machine: inner, label } of nested) {
        const groupId = `g${counter++}`;
        graph.groups.push({ id: groupId, label, parent: group });
        const innerStart = addMachine(inner, groupId, followers);
        graph.edges.push({ from: id, to: innerStart, kind: 'branch' });
      }
      const ends = state.End || state.Type === 'Succeed' || state.Type === 'Fail';
      if (ends) for (const exit of exits) graph.edges.push({ from: id, to: exit, kind: 'end' });
    }
    return ids.get(machine.StartAt)!;
  };
  graph.start = addMachine(definition, '', []);
  return graph;
}

function ruleLabel(rule: Record<string, unknown>): string {
  if (typeof rule.Condition === 'string') return rule.Condition.slice(0, 40);
  const operator = Object.keys(rule).find(
    (k) => !['Variable', 'Next', 'Comment', 'Assign', 'Output'].includes(k),
  );
  if (!operator) return '';
  if (['And', 'Or', 'Not'].includes(operator)) return operator.toLowerCase();
  return `${String(rule.Variable ?? '')} ${operator} ${JSON.stringify(rule[operator])}`.slice(0, 40);
}

interface AnyEvent {
  type: string;
  details?: { name?: string; error?: string; cause?: string };
  stateEnteredEventDetails?: { name?: string };
  stateExitedEventDetails?: { name?: string };
  [detailsKey: string]: unknown;
}

export interface StateFailure {
  error: string;
  cause: string;
}

/** Events that carry a state's failure (its error name and cause). */
const failureEvents =
  /^(Task(Failed|TimedOut)|(Map|Parallel)StateFailed|MapRunFailed|Execution(Failed|TimedOut))$/;

/**
 * The last failure of each state by name, from history events: what a Catch swallowed and what
 * ended the execution, so a human sees the real error where a state is drawn as caught or failed.
 */
export function stateFailures(events: AnyEvent[]): Map<string, StateFailure> {
  const failures = new Map<string, StateFailure>();
  let current = '';
  for (const event of events) {
    if (event.type.endsWith('StateEntered'))
      current = event.stateEnteredEventDetails?.name ?? event.details?.name ?? current;
    else if (failureEvents.test(event.type) && current) {
      const details = (event.details ?? Object.values(event).find(isFailureDetails) ?? {}) as {
        error?: string;
        cause?: string;
      };
      if (details.error === undefined && details.cause === undefined) continue;
      failures.set(current, { error: details.error ?? '', cause: details.cause ?? '' });
    }
  }
  return failures;
}

function isFailureDetails(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ('error' in value || 'cause' in value);
}

/** The status of each state by name, from history events (the API's shape or the engine's). */
export function stateStatuses(events: AnyEvent[]): Map<string, StateStatus> {
  const entered = new Map<string, number>();
  const exited = new Map<string, number>();
  const failedTasks = new Set<string>();
  let current = '';
  let ended: string | undefined;
  for (const event of events) {
    const name =
      event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name ?? event.details?.name;
    if (event.type.endsWith('StateEntered') && name) {
      entered.set(name, (entered.get(name) ?? 0) + 1);
      current = name;
    } else if (event.type.endsWith('StateExited') && name) exited.set(name, (exited.get(name) ?? 0) + 1);
    else if (event.type === 'TaskFailed' || event.type === 'TaskTimedOut') failedTasks.add(current);
    else if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(event.type)) ended = event.type;
  }
  const statuses = new Map<string, StateStatus>();
  for (const [name, count] of entered) {
    const done = exited.get(name) ?? 0;
    if (done >= count) statuses.set(name, failedTasks.has(name) ? 'caught' : 'succeeded');
    else if (ended && ended !== 'ExecutionSucceeded') statuses.set(name, 'failed');
    else statuses.set(name, ended ? 'succeeded' : 'running');
  }
  // A Fail state is "entered" only; it is where the execution failed.
  return statuses;
}
