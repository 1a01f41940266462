/**
 * `arn:aws:states:::http:invoke`: `{ ApiEndpoint, Method, Headers, QueryParameters, RequestBody }`,
 * answering `{ StatusCode, StatusText, Headers, ResponseBody }` as Step Functions' HTTP task does.
 * A non-2xx answer fails the task with `States.Http.StatusCode.<code>`. Only loopback and the
 * configured hosts may be called, so a workflow cannot be used to reach arbitrary hosts from
 * the server's network.
 */
import { invalid } from '../../core/errors.ts';
import { type Json, TaskError } from '../asl/index.ts';
import { WorkflowErrors } from '../errors.ts';
import type { IntegrationHandler } from './registry.ts';

export const httpInvokeResource = 'arn:aws:states:::http:invoke';

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

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
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body, signal: request.signal });
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        throw new TaskError('States.Http.Socket', (error as Error).message);
      }
      const text = await response.text();
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
