/** Collects definition problems, each naming a field the way users read it (`States.Train.Next`). */
export interface Problem {
  field: string;
  reason: string;
}

export class Problems {
  readonly list: Problem[] = [];

  add(field: string, reason: string) {
    this.list.push({ field, reason });
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

export const isPositiveInteger = (value: unknown): value is number =>
  isNonNegativeInteger(value) && value > 0;
