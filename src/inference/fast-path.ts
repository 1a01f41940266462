/**
 * The invocation hot path, served straight from node:http before the API framework: auth from the
 * token cache, the body read with its 6 MB limit, the endpoint invoked, the answer written. It
 * answers exactly as the fastify route would (same statuses, headers and `{code, message, details}`
 * errors); the route stays registered for every other method and path.
 *
 * Written with callbacks rather than an async chain: on a token-cache hit a request costs two
 * listeners and one promise (the model's), not a promise and a microtask per step.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenService } from '../api/auth/tokens.ts';
import { CoreErrors, httpStatusOfKind, isSlipwayError, SlipwayError } from '../core/errors.ts';
import { type InvocationResult, invokeEndpoint } from './invoke.ts';
import type { EndpointRouter } from './live-endpoint.ts';
import { maxPayloadBytes } from './routes.ts';

const invocationPath = /^\/endpoints\/([^/?]+)\/invocations(?:\?.*)?$/;
const bearer = /^Bearer\s+(\S+)$/i;

export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

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
    if (!deps.authEnabled) {
      readBody(deps, endpointName, request, response);
      return true;
    }
    const token = bearer.exec(request.headers.authorization ?? '');
    if (!token) {
      refuse(request, response, 'send an API token as "Authorization: Bearer <token>"');
      return true;
    }
    // Every role may invoke (viewer and up), so a known token is enough.
    const known = deps.tokens.cached(token[1]!);
    if (known) readBody(deps, endpointName, request, response);
    else if (known === undefined) refuse(request, response, 'the API token is unknown or revoked');
    else {
      deps.tokens.verify(token[1]!).then(
        (info) =>
          info
            ? readBody(deps, endpointName, request, response)
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

/** A request's body as it arrives; kept on the request so its listeners are shared functions, not closures. */
class BodyRead {
  first?: Buffer;
  chunks?: Buffer[];
  size = 0;

  constructor(
    readonly deps: Deps,
    readonly endpointName: string,
    readonly response: ServerResponse,
  ) {}
}

const reading = Symbol('slipway.bodyRead');
type Reading = IncomingMessage & { [reading]: BodyRead };

function readBody(
  deps: Deps,
  endpointName: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (Number(request.headers['content-length'] ?? 0) > maxPayloadBytes) {
    request.resume();
    sendError(response, tooLarge());
    return;
  }
  (request as Reading)[reading] = new BodyRead(deps, endpointName, response);
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
  const headers = this.headers;
  const response = read.response;
  invokeEndpoint(read.deps.router, {
    endpointName: read.endpointName,
    body,
    contentType: headers['content-type'] ?? 'application/json',
    accept: headers.accept ?? 'application/json',
    targetVariant: headers['x-amzn-sagemaker-target-variant'] as string | undefined,
    inferenceId: headers['x-amzn-sagemaker-inference-id'] as string | undefined,
  }).then(
    (result) => send(response, result),
    (error) => sendError(response, error),
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
