/**
 * The invocation hot path, served straight from node:http before the API framework: auth from the
 * token cache, the body read with its 6 MB limit, the endpoint invoked, the answer written. It
 * answers exactly as the fastify route would (same statuses, headers and `{code, message, details}`
 * errors); the route stays registered for every other method and path.
 *
 * Written with callbacks rather than an async chain: on a token-cache hit a request costs its body
 * listeners and no promise at all, not a promise and a microtask per step.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenService } from '../api/auth/tokens.ts';
import { CoreErrors, httpStatusOfKind, isSlipwayError, SlipwayError } from '../core/errors.ts';
import { type InvocationListener, type InvocationResult, startInvocation } from './invoke.ts';
import type { EndpointRouter } from './live-endpoint.ts';
import { maxPayloadBytes } from './routes.ts';

const invocationPath = /^\/endpoints\/([^/?]+)\/invocations(?:\?.*)?$/;
const bearer = /^Bearer\s+(\S+)$/i;

export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The headers an invocation reads, from the raw list: node builds `request.headers` (every name
 * lower-cased, duplicates merged) on first access, which a bare server never pays for. Duplicates
 * are resolved as node does: the first Content-Type, Content-Length and Authorization win; Accept
 * and the SageMaker headers are joined with ", ".
 */
class InvocationHeaders {
  contentType?: string;
  contentLength?: string;
  authorization?: string;
  accept?: string;
  targetVariant?: string;
  inferenceId?: string;

  constructor(raw: string[]) {
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1]!;
      switch (name.length) {
        case 6:
          if (is(name, 'accept'))
            this.accept = this.accept === undefined ? value : `${this.accept}, ${value}`;
          break;
        case 12:
          if (is(name, 'content-type')) this.contentType ??= value;
          break;
        case 13:
          if (is(name, 'authorization')) this.authorization ??= value;
          break;
        case 14:
          if (is(name, 'content-length')) this.contentLength ??= value;
          break;
        case 29:
          if (is(name, 'x-amzn-sagemaker-inference-id'))
            this.inferenceId = this.inferenceId === undefined ? value : `${this.inferenceId}, ${value}`;
          break;
        case 31:
          if (is(name, 'x-amzn-sagemaker-target-variant'))
            this.targetVariant = this.targetVariant === undefined ? value : `${this.targetVariant}, ${value}`;
          break;
      }
    }
  }
}

/** `name` equals the lower-case `wanted`, in any case (clients mostly send lower case already). */
function is(name: string, wanted: string): boolean {
  return name === wanted || name.toLowerCase() === wanted;
}

interface Deps {
  router: EndpointRouter;
  tokens: TokenService;
  authEnabled: boolean;
}

export function invocationFastPath(deps: Deps): FastPath {
  return (request, response) => {
    if (request.method !== 'POST') return false;
    const match = invocationPath.exec(request.url ?? '');
    if (!match) return false;
    const endpointName = nameOf(match[1]!);
    // A malformed escape: the framework's route answers it.
    if (endpointName === undefined) return false;
    const headers = new InvocationHeaders(request.rawHeaders);
    if (!deps.authEnabled) {
      readBody(deps, endpointName, headers, request, response);
      return true;
    }
    const token = bearer.exec(headers.authorization ?? '');
    if (!token) {
      refuse(request, response, 'send an API token as "Authorization: Bearer <token>"');
      return true;
    }
    // Every role may invoke (viewer and up), so a known token is enough.
    const known = deps.tokens.cached(token[1]!);
    if (known) readBody(deps, endpointName, headers, request, response);
    else if (known === undefined) refuse(request, response, 'the API token is unknown or revoked');
    else {
      deps.tokens.verify(token[1]!).then(
        (info) =>
          info
            ? readBody(deps, endpointName, headers, request, response)
            : refuse(request, response, 'the API token is unknown or revoked'),
        (error) => sendError(response, error),
      );
    }
    return true;
  };
}

function nameOf(escaped: string): string | undefined {
  if (!escaped.includes('%')) return escaped;
  try {
    return decodeURIComponent(escaped);
  } catch {
    return undefined;
  }
}

function refuse(request: IncomingMessage, response: ServerResponse, reason: string): void {
  request.resume();
  sendError(response, CoreErrors.unauthorized({ reason }));
}

/**
 * A request's body as it arrives, then its invocation: kept on the request so its listeners are
 * shared functions, not closures, and it hears the invocation's end itself.
 */
class BodyRead implements InvocationListener {
  first?: Buffer;
  chunks?: Buffer[];
  size = 0;

  constructor(
    readonly deps: Deps,
    readonly endpointName: string,
    readonly headers: InvocationHeaders,
    readonly response: ServerResponse,
  ) {}

  invocationEnded(error: unknown, result: InvocationResult | undefined): void {
    // Called from the backend's reply loop, which must go on to the other replies whatever happens here.
    try {
      if (result) send(this.response, result);
      else sendError(this.response, error);
    } catch (failure) {
      this.response.destroy(failure as Error);
    }
  }
}

const reading = Symbol('slipway.bodyRead');
type Reading = IncomingMessage & { [reading]: BodyRead };

function readBody(
  deps: Deps,
  endpointName: string,
  headers: InvocationHeaders,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (Number(headers.contentLength ?? 0) > maxPayloadBytes) {
    request.resume();
    sendError(response, tooLarge());
    return;
  }
  (request as Reading)[reading] = new BodyRead(deps, endpointName, headers, response);
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onError);
}

function onData(this: Reading, chunk: Buffer): void {
  const read = this[reading];
  read.size += chunk.length;
  if (read.size > maxPayloadBytes) {
    this.removeListener('data', onData);
    this.removeListener('end', onEnd);
    this.resume();
    sendError(read.response, tooLarge());
    return;
  }
  if (!read.first) read.first = chunk;
  else {
    read.chunks ??= [read.first];
    read.chunks.push(chunk);
  }
}

function onError(this: Reading, error: Error): void {
  sendError(this[reading].response, error);
}

function onEnd(this: Reading): void {
  const read = this[reading];
  const body = read.chunks ? Buffer.concat(read.chunks) : (read.first ?? Buffer.alloc(0));
  const headers = read.headers;
  startInvocation(
    read.deps.router,
    {
      endpointName: read.endpointName,
      body,
      contentType: headers.contentType ?? 'application/json',
      accept: headers.accept ?? 'application/json',
      targetVariant: headers.targetVariant,
      inferenceId: headers.inferenceId,
    },
    read,
  );
}

function send(response: ServerResponse, result: InvocationResult): void {
  const body = result.body;
  // Headers as a flat list (node takes it without walking an object), and a string body goes out
  // with them in one write.
  response.writeHead(200, [
    'content-type',
    result.contentType,
    'content-length',
    String(typeof body === 'string' ? Buffer.byteLength(body) : body.length),
    'x-amzn-invoked-production-variant',
    result.variant,
  ]);
  response.end(body);
}

function tooLarge() {
  return new SlipwayError(
    'SLIPWAY_PAYLOAD_TOO_LARGE',
    'payload_too_large',
    'request body is larger than the limit',
    { field: 'body' },
  );
}

function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const slipwayError = isSlipwayError(error)
    ? error
    : CoreErrors.internal({ reason: 'internal error; see the server log' });
  const payload = Buffer.from(JSON.stringify(slipwayError.toJSON()));
  response.writeHead(httpStatusOfKind[slipwayError.kind], {
    'content-type': 'application/json; charset=utf-8',
    'content-length': payload.length,
  });
  response.end(payload);
}
