/** Conformance: the Map state, inline and distributed (ItemReader through the injected readItems). */
import assert from 'node:assert/strict';
import { echo, takes } from './harness/collaborators.ts';
import { runCases, single } from './harness/run-cases.ts';

const processor = (states: Record<string, unknown>) => ({ StartAt: Object.keys(states)[0], States: states });
const double = processor({ D: { Type: 'Task', Resource: 'double', End: true } });
const tasks = { double: (n: unknown) => (n as number) * 2 };

runCases('Map (inline)', [
  {
    name: 'maps over the input array by default',
    definition: single({ Type: 'Map', ItemProcessor: double }),
    tasks,
    input: [1, 2, 3],
    output: [2, 4, 6],
  },
  {
    name: 'ItemsPath selects the array',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.numbers',
      ItemProcessor: double,
      ResultPath: '$.doubled',
    }),
    tasks,
    input: { numbers: [5, 6] },
    output: { numbers: [5, 6], doubled: [10, 12] },
  },
  {
    name: 'ItemSelector with $$.Map.Item.Index and Value',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: {
        'index.$': '$$.Map.Item.Index',
        'value.$': '$$.Map.Item.Value',
        'shared.$': '$.shared',
      },
      ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
    }),
    input: { items: ['a', 'b'], shared: 'S' },
    output: [
      { index: 0, value: 'a', shared: 'S' },
      { index: 1, value: 'b', shared: 'S' },
    ],
  },
  {
    name: 'legacy Iterator and Parameters still work',
    definition: single({
      Type: 'Map',
      Parameters: { 'v.$': '$$.Map.Item.Value' },
      Iterator: processor({ P: { Type: 'Pass', End: true } }),
    }),
    input: [1],
    output: [{ v: 1 }],
  },
  {
    name: 'an empty array gives an empty result',
    definition: single({ Type: 'Map', ItemProcessor: double }),
    input: [],
    output: [],
  },
  {
    name: 'items that are not an array are States.Runtime',
    definition: single({ Type: 'Map', ItemsPath: '$.x', ItemProcessor: double }),
    input: { x: 'nope' },
    error: 'States.Runtime',
  },
  {
    name: 'MaxConcurrency 1 runs the items one after another',
    definition: single({
      Type: 'Map',
      MaxConcurrency: 1,
      ItemProcessor: processor({ T: { Type: 'Task', Resource: 'slow', End: true } }),
    }),
    tasks: { slow: takes(2) },
    input: [1, 2, 3],
    output: [1, 2, 3],
    check(_r, world) {
      assert.deepEqual(world.clock.elapsed, [2000, 2000, 2000]);
      assert.equal(world.clock.current - Date.UTC(2024, 0, 1), 6000, 'serial: 3 × 2 s of virtual time');
    },
  },
  {
    name: 'MaxConcurrency 0 runs all items at once',
    definition: single({
      Type: 'Map',
      MaxConcurrency: 0,
      ItemProcessor: processor({ T: { Type: 'Task', Resource: 'slow', End: true } }),
    }),
    tasks: { slow: takes(2) },
    input: [1, 2, 3],
    output: [1, 2, 3],
    check: (_r, world) => assert.equal(world.clock.current - Date.UTC(2024, 0, 1), 2000),
  },
  {
    name: 'a failing iteration fails the Map with its error',
    definition: single({
      Type: 'Map',
      ItemProcessor: processor({ F: { Type: 'Fail', Error: 'ItemBad', Cause: 'bad item' } }),
    }),
    input: [1, 2],
    error: 'ItemBad',
    cause: 'bad item',
  },
  {
    name: 'ToleratedFailureCount lets some iterations fail',
    note: 'tolerated failures are reported in place as { Error, Cause }',
    definition: single({
      Type: 'Map',
      ToleratedFailureCount: 1,
      ItemProcessor: processor({
        C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }], Default: 'P' },
        F: { Type: 'Fail', Error: 'Two' },
        P: { Type: 'Pass', End: true },
      }),
    }),
    input: [1, 2, 3],
    output: [1, { Error: 'Two', Cause: '' }, 3],
  },
  {
    name: 'exceeding ToleratedFailureCount is States.ExceedToleratedFailureThreshold',
    definition: single({
      Type: 'Map',
      ToleratedFailureCount: 1,
      ItemProcessor: processor({ F: { Type: 'Fail', Error: 'X' } }),
    }),
    input: [1, 2, 3],
    error: 'States.ExceedToleratedFailureThreshold',
  },
  {
    name: 'ToleratedFailurePercentage',
    definition: single({
      Type: 'Map',
      ToleratedFailurePercentage: 50,
      ItemProcessor: processor({ F: { Type: 'Fail', Error: 'X' } }),
    }),
    input: [1, 2, 3],
    error: 'States.ExceedToleratedFailureThreshold',
    cause: /failed/,
  },
  {
    name: 'Catch on a Map state',
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: processor({ F: { Type: 'Fail', Error: 'X' } }),
          Catch: [{ ErrorEquals: ['X'], Next: 'H' }],
          End: true,
        },
        H: { Type: 'Pass', End: true },
      },
    },
    input: [1],
    output: { Error: 'X', Cause: '' },
  },
  {
    name: 'iterations read outer variables but their assignments stay inside',
    definition: {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { factor: 10 }, Next: 'M' },
        M: {
          Type: 'Map',
          ItemSelector: { 'v.$': '$$.Map.Item.Value', 'f.$': '$factor' },
          ItemProcessor: processor({ P: { Type: 'Pass', Assign: { factor: 99 }, End: true } }),
          Next: 'After',
        },
        After: { Type: 'Pass', Parameters: { 'results.$': '$', 'factor.$': '$factor' }, End: true },
      },
    },
    input: [1, 2],
    output: {
      results: [
        { v: 1, f: 10 },
        { v: 2, f: 10 },
      ],
      factor: 10,
    },
  },
  {
    name: 'history of a Map state',
    definition: single({ Type: 'Map', ItemProcessor: processor({ P: { Type: 'Pass', End: true } }) }),
    input: ['only'],
    output: ['only'],
    check(_r, world) {
      assert.deepEqual(
        world.history.map((e) => e.type),
        [
          'ExecutionStarted',
          'MapStateEntered',
          'MapStateStarted',
          'MapIterationStarted',
          'PassStateEntered',
          'PassStateExited',
          'MapIterationSucceeded',
          'MapStateSucceeded',
          'MapStateExited',
          'ExecutionSucceeded',
        ],
      );
      assert.deepEqual(world.history[2].details, { length: 1 });
      assert.deepEqual(world.history[3].details, { name: 'S', index: 0 });
    },
  },
]);

const distributed = (reader: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  single({
    Type: 'Map',
    ItemReader: {
      Resource: 'arn:aws:states:::s3:getObject',
      Parameters: { Bucket: 'data', Key: 'items' },
      ...reader,
    },
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      ...processor({ P: { Type: 'Pass', End: true } }),
    },
    ...extra,
  });

runCases('Map (distributed)', [
  {
    name: 'CSV with a header row',
    definition: distributed({ ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' } }),
    objects: { 'data/items': 'name,age\nada,36\n"lovelace, countess",37\n' },
    output: [
      { name: 'ada', age: '36' },
      { name: 'lovelace, countess', age: '37' },
    ],
  },
  {
    name: 'CSV with given headers',
    definition: distributed({
      ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['a', 'b'] },
    }),
    objects: { 'data/items': '1,2\r\n3,4' },
    output: [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ],
  },
  {
    name: 'JSON Lines',
    definition: distributed({ ReaderConfig: { InputType: 'JSONL' } }),
    objects: { 'data/items': '{"id":1}\n{"id":2}\n\n' },
    output: [{ id: 1 }, { id: 2 }],
  },
  {
    name: 'JSON array',
    definition: distributed({ ReaderConfig: { InputType: 'JSON' } }),
    objects: { 'data/items': '[1,2,3]' },
    output: [1, 2, 3],
  },
  {
    name: 'MaxItems limits the items read',
    definition: distributed({ ReaderConfig: { InputType: 'JSON', MaxItems: 2 } }),
    objects: { 'data/items': '[1,2,3]' },
    output: [1, 2],
  },
  {
    name: 'a missing object is States.ItemReaderFailed',
    definition: distributed({ ReaderConfig: { InputType: 'JSON' } }),
    objects: {},
    error: 'States.ItemReaderFailed',
    cause: /NoSuchKey/,
  },
  {
    name: 'malformed JSON Lines is States.ItemReaderFailed',
    definition: distributed({ ReaderConfig: { InputType: 'JSONL' } }),
    objects: { 'data/items': '{"ok":1}\n{bad' },
    error: 'States.ItemReaderFailed',
    cause: /line 2/,
  },
  {
    name: 'ItemReader Parameters read the state input',
    definition: distributed({
      Parameters: { Bucket: 'data', 'Key.$': '$.key' },
      ReaderConfig: { InputType: 'JSON' },
    }),
    objects: { 'data/other': '["x"]' },
    input: { key: 'other' },
    output: ['x'],
  },
  {
    name: 'ItemBatcher groups items, with BatchInput',
    definition: distributed(
      { ReaderConfig: { InputType: 'JSON' } },
      { ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'run.$': '$.run' } } },
    ),
    objects: { 'data/items': '[1,2,3]' },
    input: { run: 'r1' },
    output: [
      { Items: [1, 2], BatchInput: { run: 'r1' } },
      { Items: [3], BatchInput: { run: 'r1' } },
    ],
  },
  {
    name: 'ItemBatcher by bytes',
    definition: distributed(
      { ReaderConfig: { InputType: 'JSON' } },
      { ItemBatcher: { MaxInputBytesPerBatch: 10 } },
    ),
    objects: { 'data/items': '["aaaa","bbbb","cccc"]' },
    output: [{ Items: ['aaaa'] }, { Items: ['bbbb'] }, { Items: ['cccc'] }],
  },
  {
    name: 'a failed child in distributed mode is States.ExceedToleratedFailureThreshold',
    note: 'a distributed Map Run fails when failures exceed the tolerance, which defaults to 0',
    definition: single({
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        Parameters: { Bucket: 'data', Key: 'items' },
        ReaderConfig: { InputType: 'JSON' },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED' },
        ...processor({ F: { Type: 'Fail', Error: 'X' } }),
      },
    }),
    objects: { 'data/items': '[1]' },
    error: 'States.ExceedToleratedFailureThreshold',
    check: (_r, world) => assert.ok(world.history.some((e) => e.type === 'MapRunFailed')),
  },
  {
    name: 'readItems may return parsed items (e.g. an object listing)',
    definition: distributed(
      { ReaderConfig: {} },
      {
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED' },
          ...processor({ T: { Type: 'Task', Resource: 'echo', End: true } }),
        },
      },
    ),
    objects: { 'data/items': [{ Key: 'a.csv' }, { Key: 'b.csv' }] },
    tasks: { echo },
    output: [{ Key: 'a.csv' }, { Key: 'b.csv' }],
  },
]);
