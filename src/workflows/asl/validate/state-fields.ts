/**
 * Which fields each state type accepts, and which query language each field belongs to. A field
 * from the other query language is refused with a message that says so, since that is the
 * commonest mistake when a state is converted between JSONPath and JSONata.
 */
import type { StateType } from '../types.ts';

const common = ['Type', 'Comment', 'QueryLanguage'];
const flow = ['Next', 'End'];
const io = ['InputPath', 'OutputPath', 'Output'];
const result = ['ResultPath', 'Parameters', 'ResultSelector', 'Arguments'];
const errors = ['Retry', 'Catch'];

export const allowedFields: Record<StateType, Set<string>> = {
  Pass: new Set([...common, ...flow, ...io, 'ResultPath', 'Parameters', 'Result', 'Assign']),
  Task: new Set([
    ...common,
    ...flow,
    ...io,
    ...result,
    ...errors,
    'Assign',
    'Resource',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
  ]),
  Choice: new Set([...common, ...io, 'Choices', 'Default', 'Assign']),
  Wait: new Set([
    ...common,
    ...flow,
    ...io,
    'Assign',
    'Seconds',
    'SecondsPath',
    'Timestamp',
    'TimestampPath',
  ]),
  Succeed: new Set([...common, ...io]),
  Fail: new Set([...common, 'Error', 'ErrorPath', 'Cause', 'CausePath']),
  Parallel: new Set([...common, ...flow, ...io, ...result, ...errors, 'Assign', 'Branches']),
  Map: new Set([
    ...common,
    ...flow,
    ...io,
    'ResultPath',
    'Parameters',
    'ResultSelector',
    ...errors,
    'Assign',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'Iterator',
    'ItemProcessor',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'Label',
  ]),
};

/** Fields that exist only in JSONPath states. */
export const jsonPathOnlyFields = new Set([
  'InputPath',
  'OutputPath',
  'ResultPath',
  'Parameters',
  'ResultSelector',
  'Result',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
  'Iterator',
]);

/** Fields that exist only in JSONata states. */
export const jsonataOnlyFields = new Set(['Arguments', 'Output', 'Items']);
