/**
 * Run search: the parsed filter and ordering become one SQL query over `runs`, with EXISTS
 * subqueries on `run_metrics` / `run_params` / `run_tags` per term and correlated subqueries for
 * ordering. Column names come from fixed maps, values are bound parameters.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import { invalid } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { type FilterTerm, type OrderTerm, parseFilter, parseOrderBy } from './run-filter.ts';
import { toRun } from './runs.ts';
import type { Run } from './types.ts';

const attributeColumns = {
  runName: 'r.name',
  experimentName: 'r.experiment',
  status: 'r.status',
  trainingJobName: 'r.training_job',
  startTime: 'r.start_time',
  endTime: 'r.end_time',
} as const;

const sideTables = { metrics: 'run_metrics', params: 'run_params', tags: 'run_tags' } as const;

export interface SearchOptions {
  experimentNames?: string[];
  filter?: string;
  orderBy?: string;
  limit?: number;
  nextToken?: string;
}

export async function searchRuns(
  store: Store,
  options: SearchOptions,
): Promise<{ runs: Run[]; nextToken?: string }> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw invalid('limit', 'must be an integer from 1 to 1000');
  const offset = options.nextToken ? decodeOffset(options.nextToken) : 0;
  const filters = options.filter?.trim() ? parseFilter(options.filter) : [];
  const orders = options.orderBy?.trim() ? parseOrderBy(options.orderBy) : [];

  let query = store.db.selectFrom('runs as r').selectAll('r');
  if (options.experimentNames?.length) query = query.where('r.experiment', 'in', options.experimentNames);
  for (const term of filters) query = query.where(condition(term));
  for (const order of orders) {
    const value = orderValue(order);
    // NULLs (runs without that metric) last in both directions and on both databases.
    query = query.orderBy(sql`case when ${value} is null then 1 else 0 end`);
    query = query.orderBy(value, order.descending ? 'desc' : 'asc');
  }
  const rows = await query
    .orderBy('r.start_time', 'desc')
    .orderBy('r.name', 'desc')
    .limit(limit + 1)
    .offset(offset)
    .execute();
  return {
    runs: rows.slice(0, limit).map(toRun),
    nextToken: rows.length > limit ? encodeOffset(offset + limit) : undefined,
  };
}

function condition(term: FilterTerm): Expression<SqlBool> {
  const op = sql.raw(term.op === '!=' ? '<>' : term.op);
  if (term.scope === 'attributes') {
    const column = sql.ref(attributeColumns[term.key as keyof typeof attributeColumns]);
    return sql<SqlBool>`${column} ${op} ${term.value}`;
  }
  const table = sql.table(sideTables[term.scope]);
  const column = sql.ref(term.scope === 'metrics' ? 's.name' : 's.key');
  const value = sql.ref(term.scope === 'metrics' ? 's.value' : 's.value');
  return sql<SqlBool>`exists (select 1 from ${table} as s where s.run = r.name and ${column} = ${term.key} and ${value} ${op} ${term.value})`;
}

function orderValue(order: OrderTerm) {
  if (order.scope === 'attributes')
    return sql.ref(attributeColumns[order.key as keyof typeof attributeColumns]);
  const table = sql.table(sideTables[order.scope]);
  const column = sql.ref(order.scope === 'metrics' ? 's.name' : 's.key');
  return sql`(select s.value from ${table} as s where s.run = r.name and ${column} = ${order.key})`;
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeOffset(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch {}
  throw invalid('nextToken', 'is not a token this API handed out');
}
