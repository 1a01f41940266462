/**
 * http:invoke may call only loopback and the configured hosts. A redirect is a new request, so
 * every hop is checked against the same policy: an allowed host cannot bounce a task to a host it
 * could not call itself. What is read of a response is bounded, so an endless body fails the task
 * rather than filling the server's memory.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { type Described, waitForExecution } from '../workflows/helpers.ts';

let slipway: TestSlipway;
let allowed: Server;
let allowedUrl: string;
/** Listens on 127.0.0.2: loopback on the wire, but not a host the policy allows by name. */
let forbidden: Server;
let forbiddenUrl: string;
const forbiddenHits: string[] = [];

function listen(server: Server, host: string) {
  return new Promise<string>((resolve) =>
    server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`)),
  );
}

before(async () => {
  slipway = await startTestSlipway();
  forbidden = createServer((request, response) => {
    forbiddenHits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"internal"}');
  });
  forbiddenUrl = await listen(forbidden, '127.0.0.2');
  allowed = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const url = request.url ?? '';
      if (url === '/redirect-out')
        return response.writeHead(302, { location: `${forbiddenUrl}/secret` }).end();
      if (url === '/redirect-ok') return response.writeHead(302, { location: '/echo' }).end();
      if (url === '/redirect-post') return response.writeHead(307, { location: '/echo' }).end();
      if (url.startsWith('/loop')) return response.writeHead(302, { location: `/loop${url.length}` }).end();
      if (url === '/endless') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(64 * 1024);
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
        };
        response.on('drain', pump);
        pump();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ method: request.method, url, body: body || null }));
    });
  });
  allowedUrl = await listen(allowed, '127.0.0.1');
});
after(async () => {
  await slipway.cleanup();
  allowed.closeAllConnections();
  forbidden.closeAllConnections();
  await new Promise((resolve) => allowed.close(resolve));
  await new Promise((resolve) => forbidden.close(resolve));
});

async function call(name: string, parameters: Record<string, unknown>): Promise<Described> {
  const client = slipway.client();
  await client.post('/api/v1/workflows', {
    name,
    definition: {
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: parameters, End: true },
      },
    },
  });
  await client.post(`/api/v1/workflows/${name}/executions`, { name: `${name}-run` });
  return waitForExecution(client, `${name}-run`, undefined, { timeoutMs: 60_000 });
}

describe('http:invoke is confined across redirects', () => {
  it('the forbidden host is refused when named directly (the policy the redirects must keep)', async () => {
    await assert.rejects(
      slipway.client().post('/api/v1/workflows', {
        name: 'direct',
        definition: {
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: 'arn:aws:states:::http:invoke',
              Parameters: { ApiEndpoint: `${forbiddenUrl}/secret`, Method: 'GET' },
              End: true,
            },
          },
        },
      }),
      /127\.0\.0\.2 is not an allowed host/,
    );
  });

  it('a redirect from an allowed host to a forbidden one is refused, and the forbidden host is never called', async () => {
    const done = await call('bounce-out', { ApiEndpoint: `${allowedUrl}/redirect-out`, Method: 'GET' });
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.Runtime');
    assert.match(done.cause, /redirect/);
    assert.match(done.cause, /127\.0\.0\.2 is not an allowed host/);
    assert.deepEqual(forbiddenHits, []);
  });

  it('a redirect within the allowed hosts is followed (302 becomes GET, 307 keeps the method and body)', async () => {
    const got = await call('bounce-ok', { ApiEndpoint: `${allowedUrl}/redirect-ok`, Method: 'GET' });
    assert.equal(got.status, 'SUCCEEDED', got.cause);
    const output = JSON.parse(got.output);
    assert.equal(output.StatusCode, 200);
    assert.deepEqual(output.ResponseBody, { method: 'GET', url: '/echo', body: null });

    const posted = await call('bounce-post', {
      ApiEndpoint: `${allowedUrl}/redirect-post`,
      Method: 'POST',
      RequestBody: { hello: 'world' },
    });
    assert.equal(posted.status, 'SUCCEEDED', posted.cause);
    assert.deepEqual(JSON.parse(posted.output).ResponseBody, {
      method: 'POST',
      url: '/echo',
      body: '{"hello":"world"}',
    });
  });

  it('an endless chain of redirects stops after a bounded number of hops', async () => {
    const done = await call('bounce-loop', { ApiEndpoint: `${allowedUrl}/loop`, Method: 'GET' });
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.Http.Socket');
    assert.match(done.cause, /redirects/);
  });

  it('an endless response body fails the task with States.DataLimitExceeded', async () => {
    const done = await call('endless', { ApiEndpoint: `${allowedUrl}/endless`, Method: 'GET' });
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.DataLimitExceeded', done.cause);
  });
});
