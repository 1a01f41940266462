/**
 * Growable typed-array columns used while a CSV is being parsed; `finish` trims them into the
 * dataset's Column shape without copying more than once.
 */
import type { Column, ColumnKind } from './dataset.ts';

export class NumericBuilder {
  readonly kind = 'numeric' as const;
  values: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(capacity, 16));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = value;
  }

  finish(name: string): Column {
    return { kind: 'numeric', name, values: this.values.slice(0, this.length) };
  }
}

export class CategoricalBuilder {
  readonly kind = 'categorical' as const;
  codes: Int32Array;
  length = 0;
  readonly categories: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(capacity: number) {
    this.codes = new Int32Array(Math.max(capacity, 16));
  }

  /** Appends a value; null is missing. */
  push(value: string | null): void {
    if (this.length === this.codes.length) {
      const next = new Int32Array(this.codes.length * 2);
      next.set(this.codes);
      this.codes = next;
    }
    let code = -1;
    if (value !== null) {
      const known = this.index.get(value);
      if (known === undefined) {
        code = this.categories.length;
        this.categories.push(value);
        this.index.set(value, code);
      } else {
        code = known;
      }
    }
    this.codes[this.length++] = code;
  }

  finish(name: string): Column {
    return {
      kind: 'categorical',
      name,
      codes: this.codes.slice(0, this.length),
      categories: this.categories,
    };
  }
}

export type ColumnBuilder = NumericBuilder | CategoricalBuilder;

export function makeBuilder(kind: ColumnKind, capacity: number): ColumnBuilder {
  return kind === 'numeric' ? new NumericBuilder(capacity) : new CategoricalBuilder(capacity);
}
