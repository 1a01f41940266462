/**
 * A generated malformed-input pass over every route in /openapi.json: bodies of the wrong shape,
 * a number where a string belongs, unknown fields, a garbage nextToken. The server must never
 * answer 5xx, must refuse each one, and every validation error must name the field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
}
interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

let slipway: TestSlipway;
let operations: Array<{ method: string; path: string; operation: Operation }>;

before(async () => {
  slipway = await startTestSlipway();
  const document = (await (await fetch(`${slipway.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});
after(() => slipway.cleanup());

/** The path with every parameter filled by a valid name that names nothing. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, (name) => (/version/i.test(name) ? '1' : 'no-such-thing'));
}

interface Answer {
  status: number;
  body: { code?: string; message?: string; details?: { field?: string } };
}

async function send(method: string, path: string, body?: string): Promise<Answer> {
  const response = await fetch(`${slipway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${slipway.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body,
  });
  const text = await response.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed };
}

function jsonBodySchema(operation: Operation): Schema | undefined {
  return operation.requestBody?.content?.['application/json']?.schema;
}

/** Checks one malformed request's answer; returns a line describing what went wrong, if anything. */
function verdict(what: string, answer: Answer, field?: string): string | undefined {
  if (answer.status >= 500) return `${what}: ${answer.status} ${answer.body.message ?? ''}`;
  if (answer.status < 400) return `${what}: accepted (${answer.status})`;
  if (
    answer.status === 400 &&
    field &&
    answer.body.details?.field !== field &&
    !answer.body.message?.includes(field)
  )
    return `${what}: 400 does not name ${field} (${answer.body.message})`;
  if (answer.status === 400 && !answer.body.details?.field && !/:/.test(answer.body.message ?? ''))
    return `${what}: 400 names no field (${answer.body.message})`;
  return undefined;
}

describe('malformed input over every route in /openapi.json', () => {
  it('covers the API (a sanity check on the generator itself)', () => {
    assert.ok(operations.length > 60, `only ${operations.length} operations`);
    assert.ok(operations.filter((o) => jsonBodySchema(o.operation)).length > 25);
  });

  it('bodies of the wrong shape, numbers for strings and unknown fields are refused, naming the field', async () => {
    const problems: string[] = [];
    let tried = 0;
    for (const { method, path, operation } of operations) {
      const schema = jsonBodySchema(operation);
      if (schema?.type !== 'object') continue;
      const url = concrete(path);
      const label = `${method} ${path}`;
      for (const wrong of ['[]', '"text"', '42', '{"a":']) {
        tried++;
        const problem = verdict(`${label} body ${wrong}`, await send(method, url, wrong));
        if (problem) problems.push(problem);
      }
      tried++;
      const extra = verdict(
        `${label} unknown field`,
        await send(method, url, JSON.stringify({ notAField: 1 })),
        'notAField',
      );
      if (extra && !/does not name/.test(extra)) problems.push(extra);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (property.type !== 'string' || !(schema.required ?? []).includes(name)) continue;
        tried++;
        const body = JSON.stringify({ [name]: 12345 });
        const problem = verdict(`${label} ${name}: 12345`, await send(method, url, body));
        if (problem) problems.push(problem);
      }
    }
    assert.ok(tried > 100, `only ${tried} requests`);
    assert.deepEqual(problems, []);
  });

  it('a garbage nextToken is a 400 naming nextToken on every listing', async () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operations) {
      if (method !== 'GET' || !operation.parameters?.some((p) => p.in === 'query' && p.name === 'nextToken'))
        continue;
      const required = operation.parameters
        .filter((p) => p.in === 'query' && p.required && p.name !== 'nextToken')
        .map((p) => `&${p.name}=no-such-thing`)
        .join('');
      const answer = await send(method, `${concrete(path)}?nextToken=%00%ff${required}`);
      if (answer.status === 404) continue; // the parent does not exist: refused before paging
      const problem = verdict(`${method} ${path} nextToken=%00%ff`, answer, 'nextToken');
      if (problem) problems.push(problem);
    }
    assert.deepEqual(problems, []);
  });

  it('a body nested 10,000 levels deep or setting __proto__ is refused on every JSON route', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const problems: string[] = [];
    for (const { method, path, operation } of operations) {
      if (!jsonBodySchema(operation)) continue;
      const label = `${method} ${path}`;
      const tooDeep = verdict(`${label} 10,000 deep`, await send(method, concrete(path), deep), 'body');
      if (tooDeep) problems.push(tooDeep);
      const poisoned = await send(method, concrete(path), '{"__proto__":{"admin":true}}');
      if (poisoned.status !== 400) problems.push(`${label} __proto__: ${poisoned.status}`);
    }
    assert.deepEqual(problems, []);
  });

  it('the server still answers', async () => {
    assert.equal((await fetch(`${slipway.url}/healthz`)).status, 200);
  });
});
