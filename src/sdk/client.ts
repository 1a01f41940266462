/**
 * The TypeScript client of the REST API (used by the CLI and by users' code). Errors come back as
 * SlipwayError with the server's code, message and details.
 */
import { type ErrorKind, SlipwayError } from '../core/errors.ts';

export interface ClientOptions {
  url?: string;
  token?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

const kindOfStatus: Record<number, ErrorKind> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  503: 'unavailable',
};

export class SlipwayClient {
  readonly url: string;
  private readonly token?: string;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    this.url = (options.url ?? process.env.SLIPWAY_URL ?? 'http://127.0.0.1:7007').replace(/\/+$/, '');
    this.token = options.token ?? process.env.SLIPWAY_TOKEN;
    this.headers = options.headers ?? {};
  }

  /** A request with a raw body and headers (the data plane); a non-2xx answer becomes a SlipwayError. */
  raw(
    method: string,
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<Response> {
    return this.send(method, path, body, undefined, headers);
  }

  /** Sends a request; a non-2xx answer becomes a SlipwayError. */
  private async send(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, unknown>,
    rawHeaders?: Record<string, string>,
  ): Promise<Response> {
    const url = new URL(this.url + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined && !rawHeaders) headers['content-type'] = 'application/json';
    Object.assign(headers, rawHeaders);
    const requestBody =
      body === undefined ? undefined : rawHeaders ? (body as string | Buffer) : JSON.stringify(body);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: requestBody });
    } catch (error) {
      throw new SlipwayError(
        'SLIPWAY_UNREACHABLE',
        'unavailable',
        `cannot reach Slipway at ${this.url}: ${causeOf(error)}`,
        {
          url: this.url,
        },
      );
    }
    if (response.ok) return response;
    const text = await response.text();
    const payload = (text ? safeJson(text) : {}) as {
      code?: string;
      message?: string;
      details?: Record<string, unknown>;
    };
    throw new SlipwayError(
      payload.code ?? `SLIPWAY_HTTP_${response.status}`,
      kindOfStatus[response.status] ?? (response.status >= 500 ? 'internal' : 'validation'),
      payload.message ?? `${method} ${path} answered ${response.status}`,
      payload.details ?? {},
    );
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, unknown>,
  ): Promise<T> {
    const text = await (await this.send(method, path, body, query)).text();
    return (text ? safeJson(text) : undefined) as T;
  }

  /** A streaming GET (logs): the body's chunks as they arrive. */
  async stream(path: string, query?: Record<string, unknown>): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.send('GET', path, undefined, query);
    return response.body ?? (async function* () {})();
  }

  get<T = unknown>(path: string, query?: Record<string, unknown>) {
    return this.request<T>('GET', path, undefined, query);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  delete<T = unknown>(path: string) {
    return this.request<T>('DELETE', path);
  }

  status() {
    return this.get<{
      version: string;
      database: string;
      artifacts: string;
      trustMode: {
        mode: 'single-user' | 'team';
        reason: string;
        dataRoots: string[];
        processRuntime: 'allowed' | 'refused';
        teamImage?: string;
      };
      principal: { name: string; role: string };
    }>('/api/v1/status');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
