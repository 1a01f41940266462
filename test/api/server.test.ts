/** The API server over real HTTP on loopback: health, OpenAPI, metrics, errors, auth, tokens, restart. */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { namesField } from '../helpers/wait.ts';

// Response bodies are checked field by field.
const json = (response: Response): Promise<any> => response.json();

describe('API server', () => {
  let slipway: TestSlipway;
  before(async () => {
    slipway = await startTestSlipway();
  });
  after(() => slipway.cleanup());

  const raw = (path: string, init: RequestInit = {}) => fetch(slipway.url + path, init);
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  test('health, OpenAPI and Prometheus metrics are served without a token', async () => {
    const health = await raw('/healthz');
    assert.equal(health.status, 200);
    assert.equal((await json(health)).status, 'ok');
    const openapi = await json(await raw('/openapi.json'));
    assert.equal(openapi.openapi, '3.0.3');
    assert.ok(openapi.paths['/api/v1/tokens'].post, 'routes are documented');
    assert.ok(openapi.paths['/api/v1/status'].get);
    await raw('/api/v1/status', { headers: auth(slipway.adminToken) });
    const metrics = await (await raw('/metrics')).text();
    assert.match(
      metrics,
      /slipway_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/status",status="200"\} \d+/,
    );
  });

  test('no token or an unknown token gets 401 with a structured error', async () => {
    const none = await raw('/api/v1/status');
    assert.equal(none.status, 401);
    assert.equal((await json(none)).code, 'SLIPWAY_AUTH_UNAUTHORIZED');
    const wrong = await raw('/api/v1/status', { headers: auth('slw_not-a-real-token') });
    assert.equal(wrong.status, 401);
    const malformed = await raw('/api/v1/status', { headers: { authorization: 'Basic abc' } });
    assert.equal(malformed.status, 401);
  });

  test('a valid token with too small a role gets 403; roles are checked per route', async () => {
    const { token: viewer } = await slipway
      .client()
      .post<{ token: string }>('/api/v1/tokens', { name: 'v', role: 'viewer' });
    const status = await slipway.client(viewer).status();
    assert.equal(status.principal.role, 'viewer');
    const response = await raw('/api/v1/tokens', {
      method: 'POST',
      headers: { ...auth(viewer), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', role: 'admin' }),
    });
    assert.equal(response.status, 403);
    const body = await json(response);
    assert.equal(body.code, 'SLIPWAY_AUTH_FORBIDDEN');
    assert.deepEqual(body.details, { required: 'admin', actual: 'viewer' });
  });

  test('bad request bodies get 400 naming the field, and the server keeps serving', async () => {
    const client = slipway.client();
    await assert.rejects(client.post('/api/v1/tokens', { name: 'x', role: 'boss' }), namesField('body.role'));
    await assert.rejects(client.post('/api/v1/tokens', { role: 'viewer' }), namesField('body.name'));
    await assert.rejects(
      client.post('/api/v1/tokens', { name: 'x', role: 'viewer', colour: 'red' }),
      namesField('body.colour'),
    );
    const broken = await raw('/api/v1/tokens', {
      method: 'POST',
      headers: { ...auth(slipway.adminToken), 'content-type': 'application/json' },
      body: '{"name": "x", ',
    });
    assert.equal(broken.status, 400);
    assert.equal((await json(broken)).details.field, 'body');
    await assert.rejects(client.get('/api/v1/events', { limit: 'many' }), namesField('querystring.limit'));
    const missing = await raw('/api/v1/nothing', { headers: auth(slipway.adminToken) });
    assert.equal(missing.status, 404);
    assert.equal((await json(missing)).code, 'SLIPWAY_ROUTE_NOT_FOUND');
    assert.equal((await raw('/healthz')).status, 200);
  });

  test('a revoked token stops working; token events are recorded', async () => {
    const client = slipway.client();
    const created = await client.post<{ token: string; info: { id: string } }>('/api/v1/tokens', {
      name: 'temp',
      role: 'scientist',
    });
    assert.match(created.token, /^slw_/);
    const listed = await client.get<{ items: Array<{ id: string; role: string }> }>('/api/v1/tokens');
    assert.ok(listed.items.some((t) => t.id === created.info.id && t.role === 'scientist'));
    assert.ok(!JSON.stringify(listed).includes(created.token), 'secrets are never listed');
    await client.delete(`/api/v1/tokens/${created.info.id}`);
    // The verification cache is cleared on revoke in this process.
    await assert.rejects(slipway.client(created.token).status(), { kind: 'unauthorized' });
    const events = await client.get<{ items: Array<{ type: string; resource: string }> }>('/api/v1/events', {
      type: 'token.*',
    });
    const types = events.items.filter((e) => e.resource === `token/${created.info.id}`).map((e) => e.type);
    assert.deepEqual(types, ['token.created', 'token.revoked']);
  });

  test('the initial admin token file is private (0600)', () => {
    const mode = statSync(join(slipway.home, 'admin-token')).mode & 0o777;
    assert.equal(mode, 0o600);
  });
});

describe('restart', () => {
  test('a restarted server keeps tokens and events', async () => {
    const first = await startTestSlipway();
    try {
      const { token } = await first
        .client()
        .post<{ token: string }>('/api/v1/tokens', { name: 'kept', role: 'approver' });
      await first.stop();
      const second = await startTestSlipway({ home: first.home });
      try {
        const status = await second.client(token).status();
        assert.equal(status.principal.name, 'kept');
        assert.equal(status.principal.role, 'approver');
        const events = await second
          .client()
          .get<{ items: { detail: { name: string } }[] }>('/api/v1/events', { type: 'token.created' });
        // The initial admin token is an event too, written at first start.
        assert.deepEqual(events.items.map((event) => event.detail.name).sort(), ['initial-admin', 'kept']);
      } finally {
        await second.stop();
      }
    } finally {
      await first.cleanup();
    }
  });

  test('with auth off (loopback only) requests need no token', async () => {
    const open = await startTestSlipway({ config: { authEnabled: false } });
    try {
      const status = await fetch(`${open.url}/api/v1/status`);
      assert.equal(status.status, 200);
      assert.equal((await json(status)).authEnabled, false);
    } finally {
      await open.cleanup();
    }
  });
});
