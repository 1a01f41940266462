/**
 * Writes a value at a reference path (ResultPath), returning a new document: the input is never
 * mutated, so a snapshot taken before the write stays valid. Missing objects on the way are
 * created; a path that runs through a non-object (or a missing array element) cannot be applied,
 * which the ASL specification names States.ResultPathMatchFailure.
 */
import type { Json } from '../types.ts';
import { parsePath } from './parse-path.ts';

export class ResultPathMatchError extends Error {}

export function writePath(target: Json, source: string, value: Json): Json {
  const path = parsePath(source);
  if (!path.reference) throw new ResultPathMatchError(`${source} is not a reference path`);
  const write = (node: Json | undefined, depth: number): Json => {
    if (depth === path.segments.length) return value;
    const segment = path.segments[depth];
    if (segment.kind === 'name') {
      if (node === undefined) node = {};
      if (typeof node !== 'object' || node === null || Array.isArray(node))
        throw new ResultPathMatchError(
          `unable to apply ResultPath ${source}: "${segment.name}" is not inside an object`,
        );
      return { ...node, [segment.name]: write(node[segment.name], depth + 1) };
    }
    if (
      segment.kind === 'index' &&
      Array.isArray(node) &&
      segment.index >= 0 &&
      segment.index < node.length
    ) {
      const copy = node.slice();
      copy[segment.index] = write(node[segment.index], depth + 1);
      return copy;
    }
    throw new ResultPathMatchError(`unable to apply ResultPath ${source} to the state input`);
  };
  return write(target, 0);
}
