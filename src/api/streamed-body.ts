/**
 * A request body handed to the route as a stream instead of buffered, cut off with a 413 once it
 * passes a limit: an upload flows to the artifact store at the network's pace in constant memory,
 * and one refused or broken midway leaves nothing behind (the stores write atomically).
 */
import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { CoreErrors } from '../core/errors.ts';

/** Registers, in this scope only, a parser that hands bodies of `contentType` on as a stream. */
export function streamBodiesOf(scope: FastifyInstance, contentType: string, limitBytes: number): void {
  const cutOff = new WeakSet<object>();
  // The rest of a refused body is never read, so the connection cannot carry another request.
  scope.addHook('onSend', async (request, reply) => {
    if (cutOff.has(request)) reply.header('connection', 'close');
  });
  scope.addContentTypeParser(contentType, (request, payload, done) => {
    const tooLarge = () => {
      cutOff.add(request);
      return CoreErrors.tooLarge({ field: 'body', limit: limitBytes });
    };
    if (Number(request.headers['content-length']) > limitBytes) return done(tooLarge(), undefined);
    let seen = 0;
    const limited = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        callback(seen > limitBytes ? tooLarge() : null, chunk);
      },
    });
    // An aborted request or the limit destroys the stream, so the store's write fails and cleans up.
    pipeline(payload, limited, () => {});
    done(null, limited);
  });
}
