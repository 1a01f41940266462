import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/core/config.ts';
import { tempFolder } from '../helpers/temp.ts';

const fails = (key: string) => (error: unknown) => {
  const e = error as { code?: string; details?: { key?: string }; message: string };
  assert.equal(e.code, 'SLIPWAY_CONFIG_INVALID', e.message);
  assert.equal(e.details?.key, key, e.message);
  return true;
};

test('defaults: SQLite and a local artifact folder under SLIPWAY_HOME, loopback, auth on', () => {
  const home = tempFolder();
  try {
    const config = loadConfig({ env: { SLIPWAY_HOME: home.path } });
    assert.equal(config.home, home.path);
    assert.equal(config.databaseUrl, `sqlite:${join(home.path, 'slipway.db')}`);
    assert.equal(config.artifactsUrl, `file://${join(home.path, 'artifacts')}`);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 7007);
    assert.equal(config.authEnabled, true);
  } finally {
    home.cleanup();
  }
});

test('the config file and then environment variables override defaults', () => {
  const home = tempFolder();
  try {
    writeFileSync(
      join(home.path, 'config.json'),
      JSON.stringify({ port: 8000, logLevel: 'debug', gpus: [0, 1] }),
    );
    const config = loadConfig({
      env: {
        SLIPWAY_HOME: home.path,
        SLIPWAY_PORT: '9000',
        SLIPWAY_GPUS: '2,3',
        SLIPWAY_PIP_ARGS: ' --no-index  --find-links /wheels ',
      },
    });
    assert.equal(config.port, 9000);
    assert.equal(config.logLevel, 'debug');
    assert.deepEqual(config.gpus, [2, 3]);
    assert.deepEqual(config.pipArgs, ['--no-index', '--find-links', '/wheels']);
  } finally {
    home.cleanup();
  }
});

test('a bad or unknown key is an error naming it', () => {
  const home = tempFolder();
  try {
    const file = join(home.path, 'config.json');
    writeFileSync(file, JSON.stringify({ prot: 8000 }));
    assert.throws(() => loadConfig({ env: { SLIPWAY_HOME: home.path } }), fails('prot'));
    writeFileSync(file, JSON.stringify({ port: 'eighty' }));
    assert.throws(() => loadConfig({ env: { SLIPWAY_HOME: home.path } }), fails('port'));
    writeFileSync(file, JSON.stringify({ databaseUrl: 'mysql://x' }));
    assert.throws(() => loadConfig({ env: { SLIPWAY_HOME: home.path } }), fails('databaseUrl'));
    writeFileSync(file, '{ not json');
    assert.throws(() => loadConfig({ env: { SLIPWAY_HOME: home.path } }), fails(file));
    writeFileSync(file, '{}');
    assert.throws(
      () => loadConfig({ env: { SLIPWAY_HOME: home.path, SLIPWAY_PORT: 'abc' } }),
      fails('SLIPWAY_PORT'),
    );
    assert.throws(
      () => loadConfig({ env: { SLIPWAY_HOME: home.path, SLIPWAY_DATABSE_URL: 'x' } }),
      fails('SLIPWAY_DATABSE_URL'),
    );
    assert.throws(
      () => loadConfig({ env: { SLIPWAY_HOME: home.path, SLIPWAY_AUTH: 'maybe' } }),
      fails('SLIPWAY_AUTH'),
    );
  } finally {
    home.cleanup();
  }
});

test('auth can be turned off only on loopback', () => {
  const home = tempFolder();
  try {
    const off = loadConfig({ env: { SLIPWAY_HOME: home.path, SLIPWAY_AUTH: 'off' } });
    assert.equal(off.authEnabled, false);
    assert.throws(
      () => loadConfig({ env: { SLIPWAY_HOME: home.path, SLIPWAY_AUTH: 'off', SLIPWAY_HOST: '0.0.0.0' } }),
      fails('authEnabled'),
    );
  } finally {
    home.cleanup();
  }
});
