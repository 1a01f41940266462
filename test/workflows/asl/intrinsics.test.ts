/** Conformance: every intrinsic function, through a Pass state's Parameters. */
import assert from 'node:assert/strict';
import type { Json } from '../../../src/workflows/asl/index.ts';
import { type ConformanceCase, runCases, single } from './harness/run-cases.ts';

/** Evaluates `expression` as `Parameters.r.$` on `input`; expects `output` or an error. */
function call(
  name: string,
  expression: string,
  input: Json,
  expected: { output?: Json; error?: string; cause?: RegExp; note?: string },
): ConformanceCase {
  return {
    name,
    note: expected.note,
    definition: single({ Type: 'Pass', Parameters: { 'r.$': expression }, OutputPath: '$.r' }),
    input,
    ...expected,
  };
}

const ok = (name: string, expression: string, input: Json, output: Json, note?: string) =>
  call(name, expression, input, { output, note });
// AWS reports intrinsic failures as States.Runtime (States.IntrinsicFailure is documented as reserved).
const fails = (name: string, expression: string, input: Json, cause: RegExp) =>
  call(name, expression, input, { error: 'States.Runtime', cause });

runCases('intrinsics', [
  ok(
    'Format with placeholders',
    "States.Format('Hello, {} {}!', $.first, $.last)",
    { first: 'Ada', last: 'Lovelace' },
    'Hello, Ada Lovelace!',
  ),
  ok(
    'Format renders numbers, booleans and null',
    "States.Format('{}-{}-{}', $.n, $.b, $.z)",
    { n: 1.5, b: true, z: null },
    '1.5-true-null',
  ),
  ok(
    'Format keeps escaped braces literal',
    "States.Format('\\\\{literal\\\\} {}', $.v)",
    { v: 'x' },
    '{literal} x',
  ),
  ok('Format with an escaped quote', "States.Format('it\\'s {}', $.v)", { v: 'fine' }, "it's fine"),
  fails(
    'Format with too few arguments',
    "States.Format('{} {}', $.v)",
    { v: 1 },
    /more placeholders than arguments/,
  ),
  fails(
    'Format refuses object arguments',
    "States.Format('{}', $.o)",
    { o: { a: 1 } },
    /strings, numbers, booleans or null/,
  ),
  ok('StringToJson parses', 'States.StringToJson($.s)', { s: '{"a":[1,2]}' }, { a: [1, 2] }),
  fails('StringToJson with invalid JSON', 'States.StringToJson($.s)', { s: '{a' }, /not valid JSON/),
  ok(
    'JsonToString serializes compactly',
    'States.JsonToString($.o)',
    { o: { a: 1, b: [true] } },
    '{"a":1,"b":[true]}',
  ),
  ok('Array builds from mixed arguments', "States.Array('a', 1, $.x, true, null)", { x: { k: 'v' } }, [
    'a',
    1,
    { k: 'v' },
    true,
    null,
  ]),
  ok('Array with no arguments is empty', 'States.Array()', {}, []),
  ok('ArrayPartition chunks with a short tail', 'States.ArrayPartition($.a, 2)', { a: [1, 2, 3, 4, 5] }, [
    [1, 2],
    [3, 4],
    [5],
  ]),
  fails('ArrayPartition refuses a zero chunk', 'States.ArrayPartition($.a, 0)', { a: [1] }, /greater than 0/),
  ok('ArrayContains finds a value', 'States.ArrayContains($.a, $.v)', { a: [1, 2, 3], v: 2 }, true),
  ok(
    'ArrayContains compares objects structurally',
    'States.ArrayContains($.a, $.v)',
    { a: [{ x: 1 }], v: { x: 1 } },
    true,
  ),
  ok('ArrayContains when absent', 'States.ArrayContains($.a, 9)', { a: [1, 2] }, false),
  ok('ArrayRange ascending with a step', 'States.ArrayRange(1, 9, 2)', {}, [1, 3, 5, 7, 9]),
  ok('ArrayRange descending', 'States.ArrayRange(5, 1, -2)', {}, [5, 3, 1]),
  fails('ArrayRange refuses a zero step', 'States.ArrayRange(1, 5, 0)', {}, /must not be 0/),
  fails('ArrayRange refuses more than 1000 items', 'States.ArrayRange(1, 2000, 1)', {}, /more than 1000/),
  ok('ArrayGetItem by index', 'States.ArrayGetItem($.a, 1)', { a: ['x', 'y', 'z'] }, 'y'),
  fails('ArrayGetItem out of bounds', 'States.ArrayGetItem($.a, 5)', { a: [1] }, /out of bounds/),
  ok('ArrayLength', 'States.ArrayLength($.a)', { a: [1, 2, 3] }, 3),
  ok(
    'ArrayUnique keeps first occurrences',
    'States.ArrayUnique($.a)',
    { a: [1, 2, 1, { a: 1 }, { a: 1 }, '1'] },
    [1, 2, { a: 1 }, '1'],
  ),
  ok('Base64Encode', 'States.Base64Encode($.s)', { s: 'Data to encode' }, 'RGF0YSB0byBlbmNvZGU='),
  ok('Base64Decode', 'States.Base64Decode($.s)', { s: 'RGF0YSB0byBlbmNvZGU=' }, 'Data to encode'),
  fails('Base64Decode refuses non-base64', "States.Base64Decode('%%%')", {}, /not valid base64/),
  ok('Hash MD5', "States.Hash($.s, 'MD5')", { s: 'input data' }, '812f45842bc6d66ee14572ce20db8e86'),
  ok('Hash SHA-1', "States.Hash($.s, 'SHA-1')", { s: 'abc' }, 'a9993e364706816aba3e25717850c26c9cd0d89d'),
  ok(
    'Hash SHA-256',
    "States.Hash($.s, 'SHA-256')",
    { s: 'abc' },
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  ),
  ok(
    'Hash SHA-384',
    "States.Hash($.s, 'SHA-384')",
    { s: 'abc' },
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  ),
  ok(
    'Hash SHA-512',
    "States.Hash($.s, 'SHA-512')",
    { s: 'abc' },
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  ),
  fails(
    'Hash refuses an unknown algorithm',
    "States.Hash($.s, 'SHA-3')",
    { s: 'x' },
    /algorithm must be one of/,
  ),
  ok(
    'JsonMerge is shallow, right side wins',
    'States.JsonMerge($.a, $.b, false)',
    { a: { x: 1, n: { p: 1 } }, b: { y: 2, n: { q: 2 } } },
    { x: 1, n: { q: 2 }, y: 2 },
  ),
  fails('JsonMerge refuses deep mode', 'States.JsonMerge($.a, $.b, true)', { a: {}, b: {} }, /must be false/),
  ok(
    'MathRandom uses the injected random in [start, end)',
    'States.MathRandom(1, 11)',
    {},
    6,
    'random() is scripted to 0.5 by default',
  ),
  ok('MathAdd', 'States.MathAdd($.a, $.b)', { a: 111, b: -1 }, 110),
  fails('MathAdd refuses non-integers', 'States.MathAdd(1.5, 1)', {}, /must be an integer/),
  ok('StringSplit on one delimiter', "States.StringSplit($.s, ',')", { s: '1,2,3' }, ['1', '2', '3']),
  ok(
    'StringSplit on each delimiter character, dropping empties',
    "States.StringSplit($.s, ', ')",
    { s: 'a, b,,c' },
    ['a', 'b', 'c'],
  ),
  // The first UUID names the execution; the intrinsic gets the second.
  ok('UUID uses the injected generator', 'States.UUID()', {}, '00000000-0000-4000-8000-000000000002'),
  ok(
    'nested intrinsics',
    "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit($.arn, ':'), 1), States.ArrayLength(States.StringSplit($.arn, ':')))",
    { arn: 'arn:aws:states' },
    'aws.3',
  ),
  ok('intrinsics read the context object', "States.Format('{}', $$.State.Name)", {}, 'S'),
  fails('ArrayLength of a non-array', 'States.ArrayLength($.a)', { a: 'text' }, /must be an array/),
  fails('a path argument that does not exist', 'States.ArrayLength($.missing)', {}, /does not exist/),
]);

runCases('intrinsics: seeded MathRandom', [
  {
    name: 'the same seed gives the same number',
    definition: single({
      Type: 'Pass',
      Parameters: { 'r.$': 'States.Array(States.MathRandom(0, 1000, 7), States.MathRandom(0, 1000, 7))' },
      OutputPath: '$.r',
    }),
    check(result) {
      assert.equal(result.status, 'SUCCEEDED');
      if (result.status !== 'SUCCEEDED') return;
      const [a, b] = result.output as number[];
      assert.equal(a, b);
      assert.ok(a >= 0 && a < 1000);
    },
  },
]);
