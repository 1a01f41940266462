/**
 * One invocation: pick the variant (by weight, or pinned by header), run it, measure it, capture it.
 * The hot path: no database, no logging, metric children bound in advance.
 */
import { HostingErrors } from '../hosting/errors.ts';
import { BackendError, type InvokeResponse } from './backends/backend.ts';
import type { EndpointRouter, LiveVariant } from './live-endpoint.ts';

export interface Invocation {
  endpointName: string;
  body: Buffer;
  contentType: string;
  accept: string;
  targetVariant?: string;
  inferenceId?: string;
}

export interface InvocationResult extends InvokeResponse {
  variant: string;
}

export async function invokeEndpoint(
  router: EndpointRouter,
  invocation: Invocation,
): Promise<InvocationResult> {
  const started = performance.now();
  const endpoint = router.get(invocation.endpointName);
  if (!endpoint) throw HostingErrors.noEndpoint({ endpointName: invocation.endpointName });
  let variant: LiveVariant | undefined;
  if (invocation.targetVariant) {
    variant = endpoint.variant(invocation.targetVariant);
    if (!variant) {
      throw HostingErrors.unknownVariant({
        field: 'X-Amzn-SageMaker-Target-Variant',
        endpointName: invocation.endpointName,
        variantName: invocation.targetVariant,
      });
    }
  } else {
    variant = endpoint.pick(Math.random());
    if (!variant)
      throw HostingErrors.variantUnavailable({ variantName: '(any)', endpointName: endpoint.name });
  }
  const sampled = endpoint.capture?.sampled() ?? false;
  const modelStarted = performance.now();
  let status = 200;
  try {
    const response = await variant.backend.invoke({
      body: invocation.body,
      contentType: invocation.contentType,
      accept: invocation.accept,
    });
    if (sampled) {
      endpoint.capture!.record({
        variant: variant.name,
        input: invocation.body,
        inputType: invocation.contentType,
        output: response.body,
        outputType: response.contentType,
        inferenceId: invocation.inferenceId,
      });
    }
    return { body: response.body, contentType: response.contentType, variant: variant.name };
  } catch (error) {
    if (!(error instanceof BackendError)) {
      status = 500;
      throw error;
    }
    status = error.status;
    if (error.status === 400) throw HostingErrors.badPayload({ reason: error.message });
    if (error.status === 503)
      throw HostingErrors.variantUnavailable({ variantName: variant.name, endpointName: endpoint.name });
    throw HostingErrors.modelError({ variantName: variant.name, reason: error.message });
  } finally {
    const now = performance.now();
    variant.metrics.observe(status, now - modelStarted, modelStarted - started);
  }
}
