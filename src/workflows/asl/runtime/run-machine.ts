/**
 * The interpreter loop for one machine (the execution, a branch or an iteration): enter the
 * current state, run its handler, record the transition, checkpoint, move on. A failure ends the
 * machine with status "failed" (the caller turns that into ExecutionFailed, a failed branch or a
 * failed iteration); an abort propagates as ExecutionAbortedError.
 */
import { StatesError, StatesErrorNames, toStatesError } from '../errors.ts';
import { runChoice } from '../states/choice.ts';
import { runFail } from '../states/fail.ts';
import { runMap } from '../states/map.ts';
import { runParallel } from '../states/parallel.ts';
import { runPass } from '../states/pass.ts';
import { runSucceed } from '../states/succeed.ts';
import { runTask } from '../states/task.ts';
import { runWait } from '../states/wait.ts';
import type { Json, MachineDefinition, QueryLanguage, StateType } from '../types.ts';
import { ExecutionAbortedError, throwIfAborted } from './abort.ts';
import type { HistoryEventType } from './history.ts';
import type { Runtime, StateOutcome, StateScope } from './runtime.ts';
import type { MachineRun } from './snapshot.ts';

const handlers: Record<StateType, (scope: StateScope) => Promise<StateOutcome>> = {
  Pass: runPass,
  Task: runTask,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Parallel: runParallel,
  Map: runMap,
};

function checkPayload(rt: Runtime, output: Json, stateName: string) {
  if (rt.payloadLimitBytes <= 0) return;
  const size = Buffer.byteLength(JSON.stringify(output));
  if (size > rt.payloadLimitBytes)
    throw new StatesError(
      StatesErrorNames.DataLimitExceeded,
      `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
}

export async function runMachine(
  rt: Runtime,
  definition: MachineDefinition,
  run: MachineRun,
  language: QueryLanguage,
  signal: AbortSignal,
): Promise<void> {
  while (run.status === 'running') {
    throwIfAborted(signal);
    const name = run.current;
    const def = definition.States[name];
    if (!run.state) {
      run.state = { enteredAt: rt.collaborators.now(), retryCounts: [] };
      rt.recorder.emit(run, `${def.Type}StateEntered` as HistoryEventType, { name, input: run.input });
      await rt.recorder.checkpoint();
    }
    const scope: StateScope = {
      rt,
      name,
      def,
      language: def.QueryLanguage ?? language,
      machine: run,
      state: run.state,
      signal,
      input: run.input,
    };
    let outcome: StateOutcome;
    try {
      outcome = await handlers[def.Type](scope);
      checkPayload(rt, outcome.output, name);
    } catch (thrown) {
      if (thrown instanceof ExecutionAbortedError) throw thrown;
      if (signal.aborted) throwIfAborted(signal);
      const error = toStatesError(thrown);
      run.status = 'failed';
      run.error = error.error;
      run.cause = error.cause;
      run.state = null;
      await rt.recorder.checkpoint();
      return;
    }
    rt.recorder.emit(run, `${def.Type}StateExited` as HistoryEventType, { name, output: outcome.output });
    // Assignments take effect after the state, so Output and Assign both saw the old values.
    if (outcome.assigned) Object.assign(run.variables, outcome.assigned);
    run.state = null;
    if (outcome.next === null) {
      run.status = 'succeeded';
      run.output = outcome.output;
    } else {
      run.current = outcome.next;
      run.input = outcome.output;
    }
    await rt.recorder.checkpoint();
  }
}
