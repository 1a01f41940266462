/**
 * Live per-state progress of an execution: one line per state with its status, redrawn in place
 * on a terminal (a line per change otherwise), until the execution ends.
 */
import type { SlipwayClient } from '../../sdk/client.ts';
import {
  type StateFailure,
  type StateStatus,
  stateFailures,
  stateStatuses,
} from '../../workflows/sdk/graph-model.ts';
import { colour } from '../output.ts';
import { elapsed } from '../progress.ts';
import { Deadline } from '../waiting.ts';

type Described = Record<string, any>;

export async function fetchHistory(client: SlipwayClient, execution: string): Promise<Described[]> {
  const events: Described[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.get<{ events: Described[]; nextToken?: string }>(
      `/api/v1/executions/${encodeURIComponent(execution)}/history`,
      { nextToken },
    );
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

const marks: Record<StateStatus, (text: string) => string> = {
  succeeded: (t) => colour.green(`✔ ${t}`),
  caught: (t) => colour.yellow(`↪ ${t}`),
  failed: (t) => colour.red(`✘ ${t}`),
  running: (t) => colour.bold(`▶ ${t}`),
  'not-started': (t) => colour.dim(`· ${t}`),
};

/** The progress lines: states in the order they were first entered, then the rest of the definition. */
export function progressLines(execution: Described, events: Described[], stateNames: string[]): string[] {
  const statuses = stateStatuses(events as never);
  const failures = stateFailures(events as never);
  const order = [...statuses.keys(), ...stateNames.filter((name) => !statuses.has(name))];
  const lines = order.flatMap((name) => {
    const status = statuses.get(name) ?? 'not-started';
    const line = `  ${marks[status](name.padEnd(32))} ${status}`;
    const failure = failures.get(name);
    // A caught or failed state shows the error it met, so the cause is never only in the history.
    return failure && (status === 'caught' || status === 'failed')
      ? [line, colour.dim(`      ${failureText(failure)}`)]
      : [line];
  });
  const took = elapsed(execution.startDate, execution.stopDate);
  const head = `${execution.name}  ${execution.status}  ${took}${execution.error !== undefined || execution.cause !== undefined ? `  ${failureText({ error: execution.error ?? '', cause: execution.cause ?? '' })}` : ''}`;
  return [head, ...lines];
}

/** `error: cause` on one line, the cause cut to a screen's width. */
export function failureText(failure: StateFailure, width = 160): string {
  const cause = failure.cause.replace(/\s+/g, ' ').trim();
  const text = [failure.error, cause].filter(Boolean).join(': ');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function allStateNames(definition: Described): string[] {
  const names: string[] = [];
  const walk = (machine: Described) => {
    for (const [name, state] of Object.entries(machine.States ?? {}) as Array<[string, Described]>) {
      names.push(name);
      for (const branch of state.Branches ?? []) walk(branch);
      if (state.ItemProcessor ?? state.Iterator) walk(state.ItemProcessor ?? state.Iterator);
    }
  };
  walk(definition);
  return names;
}

export async function watchExecution(
  client: SlipwayClient,
  name: string,
  options: { intervalMs?: number; deadline?: Deadline } = {},
): Promise<Described> {
  const deadline = options.deadline ?? Deadline.from(undefined);
  const tty = Boolean(process.stdout.isTTY);
  const first = await client.get<Described>(`/api/v1/executions/${encodeURIComponent(name)}`);
  const workflow = await client
    .get<Described>(`/api/v1/workflows/${encodeURIComponent(first.workflowName)}`)
    .catch(() => null);
  const stateNames = workflow ? allStateNames(JSON.parse(workflow.definition)) : [];
  let drawn = 0;
  const printed = new Set<string>();
  for (;;) {
    const execution = await client.get<Described>(`/api/v1/executions/${encodeURIComponent(name)}`);
    const lines = progressLines(execution, await fetchHistory(client, name), stateNames);
    if (tty) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`);
      process.stdout.write(lines.map((line) => `\r\x1b[2K${line}\n`).join(''));
      drawn = lines.length;
    } else {
      // Without a terminal: print each state line once per status it reaches.
      for (const line of lines.slice(1))
        if (!printed.has(line)) {
          printed.add(line);
          process.stdout.write(`${line.trimEnd()}\n`);
        }
    }
    if (execution.status !== 'RUNNING') {
      if (!tty) process.stdout.write(`${lines[0]}\n`);
      return execution;
    }
    deadline.check(`${name} is ${execution.status}`, 'It keeps running');
    await deadline.sleep(options.intervalMs ?? 500);
  }
}
