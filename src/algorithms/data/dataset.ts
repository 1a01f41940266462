/**
 * The columnar in-memory dataset every built-in algorithm trains on: numeric columns as
 * Float64Array (NaN marks a missing value) and categorical columns as Int32Array codes into a
 * dictionary (-1 marks a missing value). No per-cell objects, so a million rows stay cheap.
 */

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  values: Float64Array;
}

export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** Index into `categories`, or -1 when missing. */
  codes: Int32Array;
  /** Categories in order of first appearance. */
  categories: string[];
}

export type Column = NumericColumn | CategoricalColumn;
export type ColumnKind = Column['kind'];

export interface Dataset {
  rowCount: number;
  columns: Column[];
}

export function columnByName(dataset: Dataset, name: string): Column | undefined {
  return dataset.columns.find((c) => c.name === name);
}

/** A new dataset made of the given rows, in the given order (used for splits and subsamples). */
export function selectRows(dataset: Dataset, rows: ArrayLike<number>): Dataset {
  const n = rows.length;
  const columns = dataset.columns.map((column): Column => {
    if (column.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = column.values[rows[i]];
      return { kind: 'numeric', name: column.name, values };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = column.codes[rows[i]];
    return { kind: 'categorical', name: column.name, codes, categories: column.categories };
  });
  return { rowCount: n, columns };
}

/** The value of one cell as a string, for error messages and tests (never in hot loops). */
export function cellText(column: Column, row: number): string | null {
  if (column.kind === 'numeric') {
    const v = column.values[row];
    return Number.isNaN(v) ? null : String(v);
  }
  const code = column.codes[row];
  return code < 0 ? null : column.categories[code];
}

/** Builds a dataset from plain arrays: numbers become numeric columns (null = NaN = missing), strings categorical. */
export function datasetFromArrays(
  columns: Record<string, ArrayLike<number> | readonly (string | null)[]>,
): Dataset {
  let rowCount = -1;
  const out: Column[] = [];
  for (const [name, data] of Object.entries(columns)) {
    if (rowCount >= 0 && data.length !== rowCount)
      throw new Error(`column ${name} has ${data.length} rows, expected ${rowCount}`);
    rowCount = data.length;
    const first = Array.from({ length: data.length }, (_, i) => data[i]).find((v) => v !== null);
    if (typeof first === 'number' || first === undefined) {
      out.push({
        kind: 'numeric',
        name,
        values: Float64Array.from(data as ArrayLike<number | null>, (v) => v ?? Number.NaN),
      });
    } else {
      const categories: string[] = [];
      const index = new Map<string, number>();
      const codes = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as string | null;
        if (v === null) {
          codes[i] = -1;
          continue;
        }
        let code = index.get(v);
        if (code === undefined) {
          code = categories.length;
          categories.push(v);
          index.set(v, code);
        }
        codes[i] = code;
      }
      out.push({ kind: 'categorical', name, codes, categories });
    }
  }
  return { rowCount: Math.max(rowCount, 0), columns: out };
}
