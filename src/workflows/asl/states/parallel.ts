/**
 * Parallel: runs every branch on the same input, concurrently; the result is the array of branch
 * outputs. The first failing branch stops the others and fails the state with its error (what
 * AWS reports; States.BranchFailed is not used as a wrapper).
 */
import { StatesError } from '../errors.ts';
import { evaluateJsonataTemplate } from '../jsonata/evaluate-jsonata.ts';
import { childController, ExecutionAbortedError, throwIfAborted } from '../runtime/abort.ts';
import {
  applyTemplate,
  effectiveInput,
  finishJsonata,
  finishJsonPath,
  jsonataScope,
} from '../runtime/data-flow.ts';
import { compact, newMachineRun } from '../runtime/machine-run.ts';
import { withRetryAndCatch } from '../runtime/retry-catch.ts';
import { emit, type StateOutcome, type StateScope } from '../runtime/runtime.ts';
import type { MachineRun } from '../runtime/snapshot.ts';
import type { Json } from '../types.ts';

export async function runParallel(scope: StateScope): Promise<StateOutcome> {
  return withRetryAndCatch(scope, () => attemptParallel(scope));
}

async function attemptParallel(scope: StateScope): Promise<StateOutcome> {
  const { def, state, rt } = scope;
  const branches = def.Branches ?? [];
  const jsonata = scope.language === 'JSONata';
  if (!state.branches) {
    const input = jsonata
      ? def.Arguments === undefined
        ? scope.input
        : await evaluateJsonataTemplate(def.Arguments, jsonataScope(scope))
      : applyTemplate(scope, def.Parameters, effectiveInput(scope), 'Parameters');
    const started = emit(scope, 'ParallelStateStarted');
    state.branches = branches.map((branch) =>
      newMachineRun(branch.StartAt, input, scope.machine.variables, started.id),
    );
    await rt.recorder.checkpoint();
  }
  const runs = state.branches;
  const siblings = childController(scope.signal);
  let failure: MachineRun | null = null;
  try {
    await Promise.all(
      runs.map(async (run, index) => {
        if (run.status !== 'running') return;
        try {
          await rt.runMachine(
            branches[index],
            run,
            branches[index].QueryLanguage ?? scope.language,
            siblings.controller.signal,
          );
        } catch (error) {
          if (!(error instanceof ExecutionAbortedError)) throw error;
          run.status = 'aborted';
          return;
        }
        if ((run.status as MachineRun['status']) === 'failed' && !failure) {
          failure = run;
          siblings.controller.abort({ kind: 'sibling-failed' });
        }
        runs[index] = compact(run);
      }),
    );
  } finally {
    siblings.dispose();
  }
  if (scope.signal.aborted) {
    emit(scope, 'ParallelStateAborted');
    throwIfAborted(scope.signal);
  }
  // A branch that failed before a restart is found in the snapshot rather than by the loop above.
  const failed = (failure as MachineRun | null) ?? runs.find((run) => run.status === 'failed') ?? null;
  if (failed) {
    emit(scope, 'ParallelStateFailed', { error: failed.error ?? '', cause: failed.cause ?? '' });
    state.branches = undefined; // a retry starts every branch afresh
    throw new StatesError(failed.error ?? '', failed.cause ?? '');
  }
  emit(scope, 'ParallelStateSucceeded');
  const result: Json = runs.map((run) => run.output ?? null);
  state.branches = undefined;
  const next = def.Next ?? null;
  if (jsonata) return finishJsonata(scope, { result }, result, next);
  return finishJsonPath(scope, result, next);
}
