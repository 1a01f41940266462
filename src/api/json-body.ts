/**
 * The JSON body parser: Fastify's own (which refuses `__proto__` and `constructor.prototype`
 * keys), plus a nesting limit. Code further on walks bodies recursively (validation, history,
 * case conversion), so a body nested thousands of levels deep is refused here, naming the body,
 * instead of overflowing a stack somewhere inside.
 */
import type { FastifyInstance } from 'fastify';
import { invalid } from '../core/errors.ts';

export const maxJsonDepth = 128;

/** Whether `value` nests more than `limit` arrays and objects; iterative, since it may be deeper than the stack. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(item))
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return false;
}

export function installJsonBodyParser(server: FastifyInstance): void {
  const parse = server.getDefaultJsonParser('error', 'error');
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parse(request, body as string, (error, value) => {
      if (error) return done(error);
      if (nestsDeeperThan(value, maxJsonDepth))
        return done(
          invalid('body', `nests deeper than ${maxJsonDepth} levels of arrays and objects`),
          undefined,
        );
      done(null, value);
    }),
  );
}
