/**
 * Bearer-token auth for the API. Each route says the role it needs in `config.role`; without one,
 * reads need `viewer` and writes `scientist`. Missing or unknown tokens get 401; a known token with
 * too small a role gets 403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CoreErrors } from '../../core/errors.ts';
import { type Role, roleAtLeast } from './roles.ts';
import type { TokenInfo, TokenService } from './tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    role?: Role;
    /** Routes anyone may call (health, OpenAPI). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal?: TokenInfo;
  }
}

const anonymousAdmin: TokenInfo = { id: 'auth-disabled', name: 'auth disabled', role: 'admin', createdAt: 0 };

export function requiredRole(request: FastifyRequest): Role {
  const configured = request.routeOptions.config.role;
  if (configured) return configured;
  return request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : 'scientist';
}

export function installAuth(app: FastifyInstance, options: { tokens: TokenService; enabled: boolean }) {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return;
    if (!options.enabled) {
      request.principal = anonymousAdmin;
      return;
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw CoreErrors.unauthorized({ reason: 'send an API token as "Authorization: Bearer <token>"' });
    const principal = await options.tokens.verify(match[1]!);
    if (!principal) throw CoreErrors.unauthorized({ reason: 'the API token is unknown or revoked' });
    const required = requiredRole(request);
    if (!roleAtLeast(principal.role, required))
      throw CoreErrors.forbidden({ required, actual: principal.role });
    request.principal = principal;
  });
}
