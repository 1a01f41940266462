/**
 * `arn:aws:states:::http:invoke`: `{ ApiEndpoint, Method, Headers, QueryParameters, RequestBody }`,
 * answering `{ StatusCode, StatusText, Headers, ResponseBody }` as Step Functions' HTTP task does.
 * A non-2xx answer fails the task with `States.Http.StatusCode.<code>`. Only loopback and the
 * configured hosts may be called, so a workflow cannot be used to reach arbitrary hosts from
 * the server's network. Redirects are followed by hand, each hop checked against the same rule,
 * so an allowed host cannot bounce a task to one it could not call; what is read of an answer is
 * bounded by Step Functions' payload limit.
 */
import { invalid } from '../../core/errors.ts';
import { type Json, StatesErrorNames, TaskError } from '../asl/index.ts';
import { WorkflowErrors } from '../errors.ts';
import type { IntegrationHandler } from './registry.ts';

export const httpInvokeResource = 'arn:aws:states:::http:invoke';

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const maxRedirects = 5;
/** Step Functions' limit on a state's payload: an answer larger than this cannot be a result. */
const maxResponseBytes = 256 * 1024;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

function checkEndpoint(endpoint: string, allowed: readonly string[], field: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid(field, `"${endpoint}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(field, 'must be an http(s) URL');
  if (!loopback.has(url.hostname) && !allowed.includes(url.hostname))
    throw WorkflowErrors.hostNotAllowed({ field, host: url.hostname, allowed: allowed.join(', ') || 'none' });
  return url;
}

interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** fetch, with each redirect's target checked against the host rule before it is called. */
async function fetchConfined(
  first: HttpRequest,
  allowed: readonly string[],
): Promise<{ response: Response; from: URL }> {
  let request = first;
  for (let hop = 0; ; hop++) {
    const response = await send(request);
    const location = response.headers.get('location');
    if (!redirectStatuses.has(response.status) || location === null) return { response, from: request.url };
    await response.body?.cancel();
    if (hop === maxRedirects)
      throw new TaskError('States.Http.Socket', `more than ${maxRedirects} redirects from ${first.url.href}`);
    let next: URL;
    try {
      next = checkEndpoint(new URL(location, request.url).href, allowed, 'redirect');
    } catch (error) {
      throw new TaskError(
        StatesErrorNames.Runtime,
        `http:invoke: a redirect from ${request.url.host} is refused: ${(error as Error).message}`,
      );
    }
    request = redirected(request, response.status, next);
  }
}

/** The next hop as fetch's own redirect rules make it (WHATWG Fetch, "HTTP-redirect fetch"). */
function redirected(previous: HttpRequest, status: number, url: URL): HttpRequest {
  const headers = { ...previous.headers };
  // Credentials are for the origin they were written for.
  if (url.origin !== previous.url.origin) {
    delete headers.authorization;
    delete headers.cookie;
  }
  const becomesGet =
    ((status === 301 || status === 302) && previous.method === 'POST') ||
    (status === 303 && previous.method !== 'GET' && previous.method !== 'HEAD');
  if (!becomesGet) return { ...previous, url, headers };
  delete headers['content-type'];
  return { url, method: 'GET', headers, signal: previous.signal };
}

async function send(request: HttpRequest): Promise<Response> {
  try {
    return await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    throw new TaskError('States.Http.Socket', (error as Error).message);
  }
}

/** The answer's text, refusing (and closing) one larger than a state may hold. */
async function readBounded(response: Response, url: URL, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      if (bytes > maxResponseBytes) {
        await response.body.cancel().catch(() => {});
        throw new TaskError(
          StatesErrorNames.DataLimitExceeded,
          `http:invoke: the answer from ${url.host} is larger than ${maxResponseBytes} bytes`,
        );
      }
      text += decoder.decode(chunk, { stream: true });
    }
  } catch (error) {
    if (error instanceof TaskError) throw error;
    if (signal.aborted) throw signal.reason;
    throw new TaskError('States.Http.Socket', (error as Error).message);
  }
  return text + decoder.decode();
}

export function httpInvokeIntegration(options: { allowedHosts: readonly string[] }): IntegrationHandler {
  return {
    async run(request) {
      const p = (request.parameters ?? {}) as {
        ApiEndpoint?: unknown;
        Method?: unknown;
        Headers?: Record<string, Json>;
        QueryParameters?: Record<string, Json>;
        RequestBody?: Json;
      };
      if (typeof p.ApiEndpoint !== 'string')
        throw new TaskError('States.Runtime', 'http:invoke: Parameters.ApiEndpoint is required');
      const method = typeof p.Method === 'string' ? p.Method.toUpperCase() : '';
      if (!methods.has(method))
        throw new TaskError(
          'States.Runtime',
          `http:invoke: Parameters.Method "${String(p.Method)}" is not supported`,
        );
      let url: URL;
      try {
        url = checkEndpoint(p.ApiEndpoint, options.allowedHosts, 'ApiEndpoint');
      } catch (error) {
        throw new TaskError('States.Runtime', (error as Error).message);
      }
      for (const [key, value] of Object.entries(p.QueryParameters ?? {}))
        url.searchParams.set(key, String(value));
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(p.Headers ?? {})) headers[key.toLowerCase()] = String(value);
      let body: string | undefined;
      if (p.RequestBody !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = typeof p.RequestBody === 'string' ? p.RequestBody : JSON.stringify(p.RequestBody);
        headers['content-type'] ??= 'application/json';
      }
      const { response, from } = await fetchConfined(
        { url, method, headers, body, signal: request.signal },
        options.allowedHosts,
      );
      const text = await readBounded(response, from, request.signal);
      let responseBody: Json = text;
      if ((response.headers.get('content-type') ?? '').includes('json') && text) {
        try {
          responseBody = JSON.parse(text) as Json;
        } catch {}
      }
      const responseHeaders: Record<string, Json> = {};
      response.headers.forEach((value, key) => {
        responseHeaders[key] = value;
      });
      if (!response.ok)
        throw new TaskError(`States.Http.StatusCode.${response.status}`, text.slice(0, 32_768));
      return {
        StatusCode: response.status,
        StatusText: response.statusText,
        Headers: responseHeaders,
        ResponseBody: responseBody,
      };
    },
    check(parameters, field) {
      const p = parameters as Record<string, unknown> | undefined;
      if (!p || typeof p !== 'object') throw invalid(field, 'must be an object with ApiEndpoint and Method');
      if (typeof p.ApiEndpoint === 'string' && !p.ApiEndpoint.startsWith('{%'))
        checkEndpoint(p.ApiEndpoint, options.allowedHosts, `${field}.ApiEndpoint`);
      else if (p['ApiEndpoint.$'] === undefined) throw invalid(`${field}.ApiEndpoint`, 'is required');
      if (typeof p.Method === 'string' && !p.Method.startsWith('{%') && !methods.has(p.Method.toUpperCase()))
        throw invalid(`${field}.Method`, `must be one of ${[...methods].join(', ')}`);
      else if (p.Method === undefined && p['Method.$'] === undefined)
        throw invalid(`${field}.Method`, 'is required');
    },
  };
}
