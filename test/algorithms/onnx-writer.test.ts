import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, ML_DOMAIN } from '../../src/algorithms/onnx/graph-builder.ts';
import { attr, OnnxDataType } from '../../src/algorithms/onnx/onnx-types.ts';
import { ProtobufWriter } from '../../src/algorithms/onnx/protobuf-writer.ts';

test('protobuf varints match the reference encoding, including negative int64', () => {
  assert.deepEqual([...new ProtobufWriter().int(1, 150).finish()], [0x08, 0x96, 0x01]);
  assert.deepEqual(
    [...new ProtobufWriter().int(1, -1).finish()],
    [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
  );
  // 2^40 needs more than 32 bits: must not be truncated by bit operators.
  const big = new ProtobufWriter().int(1, 2 ** 40).finish();
  assert.deepEqual([...big], [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  assert.deepEqual([...new ProtobufWriter().string(2, 'testing').finish()].slice(0, 2), [0x12, 7]);
});

test('a graph with plain and ai.onnx.ml operators runs in onnxruntime', async () => {
  const g = new GraphBuilder('test');
  g.input('x', OnnxDataType.FLOAT, ['N', 2]);
  g.input('c', OnnxDataType.STRING, ['N', 1]);
  const scaled = g.node(
    'Scaler',
    ['x'],
    ['scaled'],
    [attr.floats('offset', [1, 2]), attr.floats('scale', [2, 0.5])],
    ML_DOMAIN,
  );
  const w = g.constant('w', { dataType: OnnxDataType.FLOAT, dims: [2, 1], values: [1, -1] });
  g.node('MatMul', [scaled[0], w], [{ exact: 'y' }]);
  const onehot = g.node(
    'OneHotEncoder',
    ['c'],
    ['onehot'],
    [attr.strings('cats_strings', ['a', 'b']), attr.int('zeros', 1)],
    ML_DOMAIN,
  );
  g.node(
    'Squeeze',
    [onehot[0], g.constant('axes', { dataType: OnnxDataType.INT64, dims: [1], values: [1] })],
    [{ exact: 'h' }],
  );
  g.output('y', OnnxDataType.FLOAT, ['N', 1]);
  g.output('h', OnnxDataType.FLOAT, ['N', 2]);
  const session = await ort.InferenceSession.create(g.toBytes({ metadata: { hello: 'world' } }));
  const result = await session.run({
    x: new ort.Tensor('float32', Float32Array.from([3, 4, 1, 2]), [2, 2]),
    c: new ort.Tensor('string', ['b', 'zzz'], [2, 1]),
  });
  // row 0: (3-1)*2=4, (4-2)*0.5=1 -> 4-1 = 3; row 1: 0, 0 -> 0
  assert.deepEqual([...(result.y.data as Float32Array)], [3, 0]);
  assert.deepEqual([...(result.h.data as Float32Array)], [0, 1, 0, 0]);
  assert.equal(session.inputNames.join(','), 'x,c');
});
