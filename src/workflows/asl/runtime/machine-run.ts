/** Creation and compaction of MachineRun records (the snapshot of one running machine). */
import type { Json } from '../types.ts';
import type { MachineRun } from './snapshot.ts';

export function newMachineRun(
  startAt: string,
  input: Json,
  variables: Record<string, Json>,
  lastEventId: number,
): MachineRun {
  return {
    status: 'running',
    current: startAt,
    input,
    variables: { ...variables },
    state: null,
    lastEventId,
  };
}

/** A finished branch or iteration keeps only its outcome, so Map snapshots stay small. */
export function compact(run: MachineRun): MachineRun {
  const out: MachineRun = {
    status: run.status,
    current: run.current,
    input: null,
    variables: {},
    state: null,
    lastEventId: run.lastEventId,
    settled: true,
  };
  if (run.output !== undefined) out.output = run.output;
  if (run.error !== undefined) out.error = run.error;
  if (run.cause !== undefined) out.cause = run.cause;
  return out;
}
