/**
 * The metadata store: resources (spec + status + optimistic version + lease), written once for
 * SQLite and PostgreSQL. Every method takes one options object; `tx` runs it inside a transaction
 * opened by `store.transaction`.
 */
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import { type Clock, systemClock } from '../core/clock.ts';
import { CoreErrors, invalid } from '../core/errors.ts';
import type { OpenedDatabase, StoreCapabilities } from './dialect.ts';
import { migrate } from './migrations/index.ts';
import { openPostgres } from './postgres/open.ts';
import type { Database, ResourcesTable } from './schema.ts';
import { openSqlite } from './sqlite/open.ts';

export type Executor = Kysely<Database> | Transaction<Database>;

export interface ResourceRecord<Spec = unknown, Status = unknown> {
  kind: string;
  name: string;
  arn: string;
  spec: Spec;
  status: Status;
  phase: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** A transaction handle: the Kysely transaction plus work to do once it has committed. */
export interface Tx {
  executor: Transaction<Database>;
  afterCommit(work: () => void): void;
}

export function openDatabase(url: string, onIdleError?: (error: Error) => void): OpenedDatabase {
  if (url.startsWith('sqlite:')) return openSqlite(url);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, onIdleError);
  throw CoreErrors.config({ key: 'databaseUrl', reason: `unsupported database URL "${url}"` });
}

export class Store {
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities;
  readonly description: string;
  readonly clock: Clock;

  private unlock: (() => void) | undefined;

  private constructor(opened: OpenedDatabase, clock: Clock) {
    this.db = opened.db;
    this.capabilities = opened.capabilities;
    this.description = opened.description;
    this.clock = clock;
  }

  /**
   * Opens the database and brings its schema up to date. `onIdleError`: a pooled PostgreSQL
   * connection failed while idle (it is replaced; the caller logs it).
   */
  static async open(
    url: string,
    clock: Clock = systemClock,
    onIdleError?: (error: Error) => void,
  ): Promise<Store> {
    const opened = openDatabase(url, onIdleError);
    const store = new Store(opened, clock);
    try {
      if (!store.capabilities.multiProcess) store.unlock = opened.lockForProcess?.();
      await migrate(store.db, store.capabilities);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async close(): Promise<void> {
    await this.db.destroy();
    this.unlock?.();
    this.unlock = undefined;
  }

  executor(tx?: Tx): Executor {
    return tx?.executor ?? this.db;
  }

  /** Runs `work` in one transaction; `afterCommit` callbacks run only if it commits. */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const pending: Array<() => void> = [];
    const result = await this.db
      .transaction()
      .execute((executor) => work({ executor, afterCommit: (job) => pending.push(job) }));
    for (const job of pending) job();
    return result;
  }

  private readonly bulkInsertText = new Map<string, string>();

  /**
   * Inserts many rows of `columns` in chunks, each one multi-row INSERT whose SQL text is compiled
   * once per (table, columns, row count) and reused: building a query tree of thousands of values
   * per call costs more than the insert itself. `values(row)` gives a row's values in column order.
   */
  async bulkInsert<T>(options: {
    table: keyof Database & string;
    columns: readonly string[];
    rows: readonly T[];
    values: (row: T) => unknown[];
    tx?: Tx;
  }): Promise<void> {
    const { table, columns, rows } = options;
    // Keep each statement under SQLite's (32,766) and PostgreSQL's (65,535) parameter limits.
    const chunk = Math.max(1, Math.floor(30_000 / columns.length));
    for (let start = 0; start < rows.length; start += chunk) {
      const count = Math.min(chunk, rows.length - start);
      const key = `${table}|${columns.join(',')}|${count}`;
      let text = this.bulkInsertText.get(key);
      if (!text) {
        const placeholder = Object.fromEntries(columns.map((c) => [c, null]));
        text = (this.db as Kysely<any>)
          .insertInto(table)
          .values(Array.from({ length: count }, () => placeholder))
          .compile().sql;
        this.bulkInsertText.set(key, text);
      }
      const parameters: unknown[] = [];
      for (let i = start; i < start + count; i++) parameters.push(...options.values(rows[i]!));
      await this.executor(options.tx).executeQuery(CompiledQuery.raw(text, parameters));
    }
  }

  async createResource<Spec, Status>(options: {
    kind: string;
    name: string;
    arn: string;
    spec: Spec;
    status: Status;
    phase: string;
    tx?: Tx;
  }): Promise<ResourceRecord<Spec, Status>> {
    const now = this.clock.now();
    const row: ResourcesTable = {
      kind: options.kind,
      name: options.name,
      arn: options.arn,
      spec: JSON.stringify(options.spec),
      status: JSON.stringify(options.status),
      phase: options.phase,
      version: 1,
      created_at: now,
      updated_at: now,
      lease_owner: null,
      lease_expires_at: null,
    };
    const inserted = await this.executor(options.tx)
      .insertInto('resources')
      .values(row)
      .onConflict((conflict) => conflict.columns(['kind', 'name']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw CoreErrors.alreadyExists({ kind: options.kind, name: options.name });
    }
    return toRecord<Spec, Status>(row);
  }

  async getResource<Spec, Status>(options: {
    kind: string;
    name: string;
    tx?: Tx;
  }): Promise<ResourceRecord<Spec, Status> | undefined> {
    const row = await this.executor(options.tx)
      .selectFrom('resources')
      .selectAll()
      .where('kind', '=', options.kind)
      .where('name', '=', options.name)
      .executeTakeFirst();
    return row ? toRecord<Spec, Status>(row) : undefined;
  }

  async requireResource<Spec, Status>(options: {
    kind: string;
    name: string;
    tx?: Tx;
  }): Promise<ResourceRecord<Spec, Status>> {
    const record = await this.getResource<Spec, Status>(options);
    if (!record) throw CoreErrors.notFound({ kind: options.kind, name: options.name });
    return record;
  }

  /** Newest first, paged by an opaque token. */
  async listResources<Spec, Status>(options: {
    kind: string;
    limit?: number;
    nextToken?: string;
    phase?: string | string[];
    namePrefix?: string;
    /** Case-insensitive substring of the name (SageMaker's NameContains). */
    nameContains?: string;
    tx?: Tx;
  }): Promise<Page<ResourceRecord<Spec, Status>>> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw invalid('limit', 'must be an integer from 1 to 1000');
    }
    let query = this.executor(options.tx)
      .selectFrom('resources')
      .selectAll()
      .where('kind', '=', options.kind);
    if (options.phase !== undefined) {
      const phases = Array.isArray(options.phase) ? options.phase : [options.phase];
      query = query.where('phase', 'in', phases);
    }
    if (options.namePrefix) {
      // A range rather than LIKE: LIKE's escaping and case rules differ between the two databases.
      query = query.where('name', '>=', options.namePrefix).where('name', '<', `${options.namePrefix}\uffff`);
    }
    if (options.nameContains) {
      // LIKE with an explicit escape character and lower() on both sides reads the same in both databases.
      const pattern = `%${options.nameContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
    }
    if (options.nextToken) {
      const cursor = decodeCursor(options.nextToken);
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor.createdAt),
          eb.and([eb('created_at', '=', cursor.createdAt), eb('name', '<', cursor.name)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('name', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map((row) => toRecord<Spec, Status>(row));
    const last = items.at(-1);
    return {
      items,
      nextToken: rows.length > limit && last ? encodeCursor(last.createdAt, last.name) : undefined,
    };
  }

  /**
   * Writes a new spec and/or status. With `expectedVersion`, fails with a conflict when someone
   * else wrote in between (the compare-and-set is one UPDATE, so it holds across processes).
   */
  async updateResource<Spec, Status>(options: {
    kind: string;
    name: string;
    expectedVersion?: number;
    spec?: Spec;
    status?: Status;
    phase?: string;
    tx?: Tx;
  }): Promise<ResourceRecord<Spec, Status>> {
    const executor = this.executor(options.tx);
    const current = await this.requireResource<Spec, Status>(options);
    const expected = options.expectedVersion ?? current.version;
    const now = Math.max(this.clock.now(), current.updatedAt);
    const changes: Partial<ResourcesTable> = { version: expected + 1, updated_at: now };
    if (options.spec !== undefined) changes.spec = JSON.stringify(options.spec);
    if (options.status !== undefined) changes.status = JSON.stringify(options.status);
    if (options.phase !== undefined) changes.phase = options.phase;
    const result = await executor
      .updateTable('resources')
      .set(changes)
      .where('kind', '=', options.kind)
      .where('name', '=', options.name)
      .where('version', '=', expected)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      const actual = await this.getResource(options);
      if (!actual) throw CoreErrors.notFound({ kind: options.kind, name: options.name });
      throw CoreErrors.versionConflict({
        kind: options.kind,
        name: options.name,
        expected,
        actual: actual.version,
      });
    }
    return {
      ...current,
      spec: options.spec ?? current.spec,
      status: options.status ?? current.status,
      phase: options.phase ?? current.phase,
      version: expected + 1,
      updatedAt: now,
    };
  }

  /**
   * Re-reads, applies `change` and writes with the version it read, retrying on conflict: for
   * controllers, whose status writes must not be lost to a concurrent API update of the spec.
   */
  async mutateResource<Spec, Status>(options: {
    kind: string;
    name: string;
    change: (record: ResourceRecord<Spec, Status>) => { spec?: Spec; status?: Status; phase?: string };
    attempts?: number;
    /** In a transaction, so the change and the events it publishes commit together. */
    tx?: Tx;
  }): Promise<ResourceRecord<Spec, Status>> {
    const attempts = options.attempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const record = await this.requireResource<Spec, Status>(options);
      try {
        return await this.updateResource<Spec, Status>({
          kind: options.kind,
          name: options.name,
          expectedVersion: record.version,
          tx: options.tx,
          ...options.change(record),
        });
      } catch (error) {
        if (attempt >= attempts || (error as { code?: string }).code !== CoreErrors.versionConflict.code)
          throw error;
      }
    }
  }

  async deleteResource(options: { kind: string; name: string; tx?: Tx }): Promise<void> {
    const result = await this.executor(options.tx)
      .deleteFrom('resources')
      .where('kind', '=', options.kind)
      .where('name', '=', options.name)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0)
      throw CoreErrors.notFound({ kind: options.kind, name: options.name });
  }

  /**
   * Claims up to `limit` resources of `kind` in one of `phases` whose lease is free or expired, for
   * `leaseMs`. Replicas calling this at the same time get disjoint sets.
   */
  async claimResources(options: {
    kind: string;
    phases: string[];
    owner: string;
    leaseMs: number;
    limit?: number;
  }): Promise<string[]> {
    const now = this.clock.now();
    const limit = options.limit ?? 50;
    return this.db.transaction().execute(async (tx) => {
      let candidates = tx
        .selectFrom('resources')
        .select('name')
        .where('kind', '=', options.kind)
        .where('phase', 'in', options.phases)
        .where((eb) =>
          eb.or([
            eb('lease_owner', 'is', null),
            eb('lease_owner', '=', options.owner),
            eb('lease_expires_at', '<', now),
          ]),
        )
        .orderBy('updated_at')
        .limit(limit);
      if (this.capabilities.supportsSkipLocked) candidates = candidates.forUpdate().skipLocked();
      const names = (await candidates.execute()).map((row) => row.name);
      const claimed: string[] = [];
      for (const name of names) {
        // The WHERE repeats the lease test, so on SQLite (no row locks) a racing claim still loses.
        const result = await tx
          .updateTable('resources')
          .set({ lease_owner: options.owner, lease_expires_at: now + options.leaseMs })
          .where('kind', '=', options.kind)
          .where('name', '=', name)
          .where((eb) =>
            eb.or([
              eb('lease_owner', 'is', null),
              eb('lease_owner', '=', options.owner),
              eb('lease_expires_at', '<', now),
            ]),
          )
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) > 0) claimed.push(name);
      }
      return claimed;
    });
  }

  /** Extends a lease this owner holds; false when it was lost (expired and taken by someone else). */
  async renewLease(options: {
    kind: string;
    name: string;
    owner: string;
    leaseMs: number;
  }): Promise<boolean> {
    const result = await this.db
      .updateTable('resources')
      .set({ lease_expires_at: this.clock.now() + options.leaseMs })
      .where('kind', '=', options.kind)
      .where('name', '=', options.name)
      .where('lease_owner', '=', options.owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Distinct lease holders of a kind, so a replica can spot leases held by processes that died. */
  async leaseOwners(kind: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('resources')
      .select('lease_owner')
      .distinct()
      .where('kind', '=', kind)
      .where('lease_owner', 'is not', null)
      .execute();
    return rows.map((row) => row.lease_owner!);
  }

  /** Frees every lease `owner` holds (it is known to be gone). */
  async releaseLeasesOf(options: { kind: string; owner: string }): Promise<void> {
    await this.db
      .updateTable('resources')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('kind', '=', options.kind)
      .where('lease_owner', '=', options.owner)
      .execute();
  }

  async releaseResource(options: { kind: string; name: string; owner: string }): Promise<void> {
    await this.db
      .updateTable('resources')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('kind', '=', options.kind)
      .where('name', '=', options.name)
      .where('lease_owner', '=', options.owner)
      .execute();
  }
}

function toRecord<Spec, Status>(row: ResourcesTable): ResourceRecord<Spec, Status> {
  return {
    kind: row.kind,
    name: row.name,
    arn: row.arn,
    spec: JSON.parse(row.spec) as Spec,
    status: JSON.parse(row.status) as Status,
    phase: row.phase,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function encodeCursor(createdAt: number, name: string): string {
  return Buffer.from(JSON.stringify([createdAt, name])).toString('base64url');
}

function decodeCursor(token: string): { createdAt: number; name: string } {
  try {
    const [createdAt, name] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof createdAt === 'number' && typeof name === 'string') return { createdAt, name };
  } catch {}
  throw invalid('nextToken', 'is not a token this API handed out');
}
