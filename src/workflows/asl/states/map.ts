/**
 * Map: runs its ItemProcessor (or legacy Iterator) once per item, at most MaxConcurrency at a
 * time (0 = no limit); the result is the array of iteration outputs in item order. Items come from
 * ItemsPath/Items or, in distributed mode, an ItemReader, optionally batched by ItemBatcher.
 * Without a failure tolerance an inline Map fails with the first failing iteration's error; with
 * ToleratedFailureCount/Percentage (and always in distributed mode) exceeding the tolerance fails
 * it with States.ExceedToleratedFailureThreshold, as a distributed Map Run does in AWS. Tolerated
 * failures appear in the result as `{ Error, Cause }` (AWS leaves that to ResultWriter; we keep
 * the result array aligned with the items instead of dropping them).
 */
import { StatesError, StatesErrorNames } from '../errors.ts';
import { evaluateJsonataTemplate } from '../jsonata/evaluate-jsonata.ts';
import { PathNotFoundError, readPath } from '../jsonpath/evaluate-path.ts';
import { childController, ExecutionAbortedError, throwIfAborted } from '../runtime/abort.ts';
import {
  applyTemplate,
  effectiveInput,
  finishJsonata,
  finishJsonPath,
  jsonataScope,
  numericField,
  pathScope,
} from '../runtime/data-flow.ts';
import { compact, newMachineRun } from '../runtime/machine-run.ts';
import { withRetryAndCatch } from '../runtime/retry-catch.ts';
import { contextObject, emit, type StateOutcome, type StateScope } from '../runtime/runtime.ts';
import type { MachineRun, MapRun } from '../runtime/snapshot.ts';
import type { Json, MachineDefinition } from '../types.ts';
import { batchItems, type ItemReaderConfig, readItems } from './map-items.ts';

export async function runMap(scope: StateScope): Promise<StateOutcome> {
  return withRetryAndCatch(scope, () => attemptMap(scope));
}

function isDistributed(scope: StateScope): boolean {
  return scope.def.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

async function template(
  scope: StateScope,
  value: Json | undefined,
  input: Json,
  field: string,
  context?: Json,
) {
  if (value === undefined) return undefined;
  if (scope.language === 'JSONata') return evaluateJsonataTemplate(value, jsonataScope(scope, { context }));
  return applyTemplate(scope, value, input, field, context);
}

async function collectItems(scope: StateScope, input: Json): Promise<Json[]> {
  const { def } = scope;
  let items: Json;
  if (def.ItemReader) {
    const reader = def.ItemReader;
    const parameters =
      (await template(
        scope,
        scope.language === 'JSONata' ? reader.Arguments : reader.Parameters,
        input,
        'ItemReader.Parameters',
      )) ?? {};
    items = await readItems(scope.rt.collaborators, {
      resource: reader.Resource,
      readerConfig: (reader.ReaderConfig ?? {}) as ItemReaderConfig,
      parameters,
      signal: scope.signal,
    });
  } else if (scope.language === 'JSONata') {
    items =
      def.Items === undefined ? scope.input : await evaluateJsonataTemplate(def.Items, jsonataScope(scope));
  } else {
    try {
      items = def.ItemsPath === undefined ? input : readPath(def.ItemsPath, pathScope(scope, input));
    } catch (error) {
      if (error instanceof PathNotFoundError)
        throw new StatesError(
          StatesErrorNames.Runtime,
          `${scope.name}.ItemsPath: ${def.ItemsPath} could not be found in the input`,
        );
      throw error;
    }
  }
  if (!Array.isArray(items))
    throw new StatesError(
      StatesErrorNames.Runtime,
      `${scope.name}: the Map items must be an array, got ${JSON.stringify(items)?.slice(0, 100)}`,
    );
  const batcher = def.ItemBatcher;
  if (!batcher) return items;
  const maxItems = await numericField(
    scope,
    batcher.MaxItemsPerBatch,
    batcher.MaxItemsPerBatchPath,
    'ItemBatcher.MaxItemsPerBatch',
    input,
  );
  const maxBytes = await numericField(
    scope,
    batcher.MaxInputBytesPerBatch,
    batcher.MaxInputBytesPerBatchPath,
    'ItemBatcher.MaxInputBytesPerBatch',
    input,
  );
  const batchInput = await template(scope, batcher.BatchInput, input, 'ItemBatcher.BatchInput');
  return batchItems(items, { maxItems, maxBytes, batchInput });
}

async function iterationInput(scope: StateScope, map: MapRun, index: number): Promise<Json> {
  const selector = scope.def.ItemSelector ?? scope.def.Parameters;
  const item = map.items[index];
  if (selector === undefined) return item;
  const context = contextObject(scope, { Map: { Item: { Index: index, Value: item } } });
  return (await template(scope, selector, map.input, 'ItemSelector', context)) as Json;
}

async function tolerance(scope: StateScope, input: Json) {
  const { def } = scope;
  const count = await numericField(
    scope,
    def.ToleratedFailureCount,
    def.ToleratedFailureCountPath,
    'ToleratedFailureCount',
    input,
  );
  const percentage = await numericField(
    scope,
    def.ToleratedFailurePercentage,
    def.ToleratedFailurePercentagePath,
    'ToleratedFailurePercentage',
    input,
  );
  return {
    count,
    percentage,
    configured: count !== undefined || percentage !== undefined || isDistributed(scope),
  };
}

async function attemptMap(scope: StateScope): Promise<StateOutcome> {
  const { def, state, rt } = scope;
  const processor = (def.ItemProcessor ?? def.Iterator) as MachineDefinition;
  const language = processor.QueryLanguage ?? scope.language;
  const jsonata = scope.language === 'JSONata';
  if (!state.map) {
    const input = jsonata ? scope.input : effectiveInput(scope);
    const items = await collectItems(scope, input);
    emit(scope, 'MapStateStarted', { length: items.length });
    if (isDistributed(scope)) emit(scope, 'MapRunStarted', { length: items.length });
    state.map = { items, iterations: new Array(items.length).fill(null), input };
    await rt.recorder.checkpoint();
  }
  const map = state.map;
  const total = map.items.length;
  const maxConcurrency =
    (await numericField(scope, def.MaxConcurrency, def.MaxConcurrencyPath, 'MaxConcurrency', map.input)) ?? 0;
  const tolerated = await tolerance(scope, map.input);
  const exceeded = (failures: number) =>
    tolerated.configured
      ? failures > (tolerated.count ?? (tolerated.percentage === undefined ? 0 : Number.POSITIVE_INFINITY)) ||
        (tolerated.percentage !== undefined && (failures * 100) / total > tolerated.percentage)
      : failures > 0;

  let failures = map.iterations.filter((run) => run?.settled && run.status === 'failed').length;
  let firstFailure: MachineRun | null = null;
  const stop = childController(scope.signal);
  let nextIndex = 0;
  const worker = async () => {
    while (!stop.controller.signal.aborted) {
      const index = nextIndex++;
      if (index >= total) return;
      let run = map.iterations[index];
      if (run?.settled) continue;
      if (!run) {
        const input = await iterationInput(scope, map, index);
        const started = emit(scope, 'MapIterationStarted', { name: scope.name, index });
        run = newMachineRun(processor.StartAt, input, scope.machine.variables, started.id);
        map.iterations[index] = run;
      }
      try {
        await rt.runMachine(processor, run, language, stop.controller.signal);
      } catch (error) {
        if (!(error instanceof ExecutionAbortedError)) throw error;
        rt.recorder.emit(run, 'MapIterationAborted', { name: scope.name, index });
        return;
      }
      if (run.status === 'succeeded')
        rt.recorder.emit(run, 'MapIterationSucceeded', { name: scope.name, index });
      else {
        failures++;
        firstFailure ??= run;
        rt.recorder.emit(run, 'MapIterationFailed', {
          name: scope.name,
          index,
          error: run.error ?? '',
          cause: run.cause ?? '',
        });
        if (exceeded(failures)) stop.controller.abort({ kind: 'sibling-failed' });
      }
      map.iterations[index] = compact(run);
      await rt.recorder.checkpoint();
    }
  };
  const workers = maxConcurrency > 0 ? Math.min(maxConcurrency, total) : total;
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    stop.dispose();
  }
  if (scope.signal.aborted) {
    emit(scope, 'MapStateAborted');
    throwIfAborted(scope.signal);
  }
  if (exceeded(failures)) {
    const failed = firstFailure as MachineRun | null;
    const error = tolerated.configured
      ? new StatesError(
          StatesErrorNames.ExceedToleratedFailureThreshold,
          `The Map state failed because ${failures} of ${total} iterations failed, more than tolerated.`,
        )
      : new StatesError(failed?.error ?? '', failed?.cause ?? '');
    if (isDistributed(scope)) emit(scope, 'MapRunFailed', { error: error.error, cause: error.cause });
    emit(scope, 'MapStateFailed', { error: error.error, cause: error.cause });
    state.map = undefined; // a retry starts the items afresh
    throw error;
  }
  const result: Json = map.iterations.map((run) =>
    run?.status === 'succeeded' ? (run.output ?? null) : { Error: run?.error ?? '', Cause: run?.cause ?? '' },
  );
  if (isDistributed(scope)) emit(scope, 'MapRunSucceeded');
  emit(scope, 'MapStateSucceeded');
  state.map = undefined;
  const next = def.Next ?? null;
  if (jsonata) return finishJsonata(scope, { result }, result, next);
  return finishJsonPath(scope, result, next);
}
