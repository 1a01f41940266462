/**
 * The data plane's HTTP surface, outside /api/v1 as SageMaker's runtime has it:
 *   POST /endpoints/<name>/invocations   (and GET /endpoints/<name>/ping)
 * and the Open Inference Protocol (KServe V2, REST) on the same endpoints:
 *   GET /v2/health/live, /v2/health/ready, /v2/models/<endpoint>[/ready], POST /v2/models/<endpoint>/infer
 * Bodies are taken as raw bytes: the model decides what a valid body is.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { httpStatusOfKind, isSlipwayError } from '../core/errors.ts';
import { HostingErrors } from '../hosting/errors.ts';
import { BackendError } from './backends/backend.ts';
import { invokeEndpoint } from './invoke.ts';
import type { EndpointRouter } from './live-endpoint.ts';
import { parseInferRequest } from './oip-request.ts';
import { mediaType } from './payload.ts';

export const maxPayloadBytes = 6 * 1024 * 1024;

export function inferenceRoutes(server: FastifyInstance, router: EndpointRouter) {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: maxPayloadBytes },
    (_request, body, done) => done(null, body),
  );

  server.post(
    '/endpoints/:name/invocations',
    { config: { role: 'viewer' }, schema: { hide: true }, bodyLimit: maxPayloadBytes },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const headers = request.headers;
      const result = await invokeEndpoint(router, {
        endpointName: name,
        body: (request.body as Buffer | undefined) ?? Buffer.alloc(0),
        contentType: (headers['content-type'] as string | undefined) ?? 'application/json',
        accept: (headers.accept as string | undefined) ?? 'application/json',
        targetVariant: headers['x-amzn-sagemaker-target-variant'] as string | undefined,
        inferenceId: headers['x-amzn-sagemaker-inference-id'] as string | undefined,
      });
      return reply
        .header('x-amzn-invoked-production-variant', result.variant)
        .type(result.contentType)
        .send(result.body);
    },
  );

  server.get(
    '/endpoints/:name/ping',
    { config: { role: 'viewer' }, schema: { hide: true } },
    async (request, reply) => {
      const endpoint = router.get((request.params as { name: string }).name);
      return reply.status(endpoint?.ready() ? 200 : 503).send(endpoint?.ready() ? 'healthy' : 'unavailable');
    },
  );

  // Open Inference Protocol. Its errors are {"error": "..."}, so they are answered here.
  const v2Error = (reply: FastifyReply, error: unknown) => {
    if (isSlipwayError(error))
      return reply.status(httpStatusOfKind[error.kind]).send({ error: error.message });
    if (error instanceof BackendError) return reply.status(error.status).send({ error: error.message });
    return reply.status(500).send({ error: 'internal error' });
  };

  server.get('/v2/health/live', { config: { public: true }, schema: { hide: true } }, async () => ({
    live: true,
  }));
  server.get(
    '/v2/health/ready',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => {
      const ready = router.names().every((name) => router.get(name)!.ready());
      return reply.status(ready ? 200 : 503).send({ ready });
    },
  );

  server.get(
    '/v2/models/:name',
    { config: { role: 'viewer' }, schema: { hide: true } },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const endpoint = router.get(name);
      if (!endpoint) return v2Error(reply, HostingErrors.noEndpoint({ endpointName: name }));
      const tensors = endpoint.variants.map((v) => v.backend.describeTensors?.()).find(Boolean);
      return {
        name,
        versions: [endpoint.configName],
        platform: tensors ? 'onnxruntime_onnx' : 'slipway_server',
        inputs: tensors?.inputs ?? [],
        outputs: tensors?.outputs ?? [],
      };
    },
  );

  server.get(
    '/v2/models/:name/ready',
    { config: { role: 'viewer' }, schema: { hide: true } },
    async (request, reply) => {
      const endpoint = router.get((request.params as { name: string }).name);
      return reply.status(endpoint?.ready() ? 200 : 503).send({ ready: Boolean(endpoint?.ready()) });
    },
  );

  server.post(
    '/v2/models/:name/infer',
    { config: { role: 'viewer' }, schema: { hide: true } },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      try {
        const endpoint = router.get(name);
        if (!endpoint) throw HostingErrors.noEndpoint({ endpointName: name });
        if (mediaType(request.headers['content-type']) !== 'application/json') {
          throw HostingErrors.unsupportedType({
            contentType: String(request.headers['content-type']),
            supported: 'application/json',
          });
        }
        const pinned = request.headers['x-amzn-sagemaker-target-variant'] as string | undefined;
        const variant = pinned ? endpoint.variant(pinned) : endpoint.pick(Math.random());
        if (!variant?.backend.infer) {
          throw HostingErrors.badPayload({
            reason: `endpoint ${name} does not serve raw tensors (only ONNX models do)`,
          });
        }
        const payload = parseInferRequest(request.body as Buffer, variant.backend.describeTensors?.());
        const outputs = await variant.backend.infer(payload.inputs);
        const wanted = payload.outputs;
        return reply.header('x-amzn-invoked-production-variant', variant.name).send({
          model_name: name,
          model_version: endpoint.configName,
          id: payload.id,
          outputs: Object.entries(outputs)
            .filter(([output]) => !wanted || wanted.includes(output))
            .map(([output, tensor]) => ({
              name: output,
              shape: tensor.dims,
              datatype: v2Type(tensor.type),
              data: tensor.data,
            })),
        });
      } catch (error) {
        return v2Error(reply, error);
      }
    },
  );
}

function v2Type(type: string): string {
  return (
    (
      {
        float32: 'FP32',
        float64: 'FP64',
        int64: 'INT64',
        int32: 'INT32',
        string: 'BYTES',
        bool: 'BOOL',
      } as Record<string, string>
    )[type] ?? type.toUpperCase()
  );
}
