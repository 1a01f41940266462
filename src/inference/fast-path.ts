/**
 * The invocation hot path, served straight from node:http before the API framework: auth from the
 * token cache, the body read with its 6 MB limit, the endpoint invoked, the answer written. It
 * answers exactly as the fastify route would (same statuses, headers and `{code, message, details}`
 * errors); the route stays registered for every other method and path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenService } from '../api/auth/tokens.ts';
import { CoreErrors, httpStatusOfKind, isSlipwayError, SlipwayError } from '../core/errors.ts';
import { invokeEndpoint } from './invoke.ts';
import type { EndpointRouter } from './live-endpoint.ts';
import { maxPayloadBytes } from './routes.ts';

const invocationPath = /^\/endpoints\/([^/?]+)\/invocations(?:\?.*)?$/;

export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

export function invocationFastPath(deps: {
  router: EndpointRouter;
  tokens: TokenService;
  authEnabled: boolean;
}): FastPath {
  return (request, response) => {
    if (request.method !== 'POST') return false;
    const match = invocationPath.exec(request.url ?? '');
    if (!match) return false;
    void handle(deps, decodeURIComponent(match[1]!), request, response).catch((error) =>
      sendError(response, error),
    );
    return true;
  };
}

async function handle(
  deps: { router: EndpointRouter; tokens: TokenService; authEnabled: boolean },
  endpointName: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const headers = request.headers;
  if (deps.authEnabled) {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (!match)
      throw CoreErrors.unauthorized({ reason: 'send an API token as "Authorization: Bearer <token>"' });
    // Every role may invoke (viewer and up), so a known token is enough.
    if (!(await deps.tokens.verify(match[1]!)))
      throw CoreErrors.unauthorized({ reason: 'the API token is unknown or revoked' });
  }
  const body = await readBody(request);
  const result = await invokeEndpoint(deps.router, {
    endpointName,
    body,
    contentType: headers['content-type'] ?? 'application/json',
    accept: headers.accept ?? 'application/json',
    targetVariant: headers['x-amzn-sagemaker-target-variant'] as string | undefined,
    inferenceId: headers['x-amzn-sagemaker-inference-id'] as string | undefined,
  });
  // A string body goes out with the headers in one write; a Buffer would take a second iovec.
  response.writeHead(200, {
    'content-type': result.contentType,
    'content-length': typeof result.body === 'string' ? Buffer.byteLength(result.body) : result.body.length,
    'x-amzn-invoked-production-variant': result.variant,
  });
  response.end(result.body);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxPayloadBytes) {
    request.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxPayloadBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.on('error', reject);
  });
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
