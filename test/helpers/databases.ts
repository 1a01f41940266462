/**
 * The store backends every store test runs over. SQLite always; PostgreSQL when
 * SLIPWAY_TEST_DATABASE_URL is set (CI sets it, and fails rather than skip when it is missing).
 * SLIPWAY_TEST_STORES=sqlite (or postgres) narrows the list.
 */
import { join } from 'node:path';
import pg from 'pg';
import { tempFolder } from './temp.ts';

export interface TestDatabase {
  backend: 'sqlite' | 'postgres';
  url: string;
  /** Drops what the test created. */
  cleanup(): Promise<void>;
}

export interface DatabaseBackend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database. */
  create(): Promise<TestDatabase>;
}

const postgresUrl = process.env.SLIPWAY_TEST_DATABASE_URL;
if (process.env.CI && !postgresUrl) {
  throw new Error('CI must test PostgreSQL: set SLIPWAY_TEST_DATABASE_URL (.ci/run does)');
}

const sqlite: DatabaseBackend = {
  name: 'sqlite',
  async create() {
    const folder = tempFolder('slipway-sqlite-');
    return {
      backend: 'sqlite',
      url: `sqlite:${join(folder.path, 'test.db')}`,
      cleanup: async () => folder.cleanup(),
    };
  },
};

let counter = 0;
const postgres: DatabaseBackend = {
  name: 'postgres',
  async create() {
    // One database per test: isolation without cleaning tables, and migrations run from scratch.
    const name = `slipway_t_${process.pid}_${Date.now()}_${counter++}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    return {
      backend: 'postgres',
      url: url.href,
      async cleanup() {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  },
};

export function databaseBackends(): DatabaseBackend[] {
  const wanted = process.env.SLIPWAY_TEST_STORES?.split(',').map((s) => s.trim());
  const available = postgresUrl ? [sqlite, postgres] : [sqlite];
  return wanted ? available.filter((backend) => wanted.includes(backend.name)) : available;
}
