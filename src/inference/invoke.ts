/**
 * One invocation: pick the variant (by weight, or pinned by header), run it, measure it, capture it.
 * The hot path: no database, no logging, metric children bound in advance.
 *
 * Callback-shaped at its core (`startInvocation`): on a busy endpoint a promise chain per request
 * (backend, this function, the HTTP handler) was a measurable share of the HTTP thread. The
 * promise form (`invokeEndpoint`) wraps it for everything off the hot path.
 */
import { HostingErrors } from '../hosting/errors.ts';
import { BackendError, type InvokeListener, type InvokeResponse, invokeThen } from './backends/backend.ts';
import type { EndpointRouter, LiveEndpoint, LiveVariant } from './live-endpoint.ts';

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

/** Told once how an invocation ended: its result, or the error to answer with. */
export interface InvocationListener {
  invocationEnded(error: unknown, result: InvocationResult | undefined): void;
}

/** Starts an invocation; `listener` hears how it ended (possibly before this returns). */
export function startInvocation(
  router: EndpointRouter,
  invocation: Invocation,
  listener: InvocationListener,
): void {
  const started = performance.now();
  const endpoint = router.get(invocation.endpointName);
  if (!endpoint) {
    listener.invocationEnded(HostingErrors.noEndpoint({ endpointName: invocation.endpointName }), undefined);
    return;
  }
  let variant: LiveVariant | undefined;
  if (invocation.targetVariant) {
    variant = endpoint.variant(invocation.targetVariant);
    if (!variant) {
      const error = HostingErrors.unknownVariant({
        field: 'X-Amzn-SageMaker-Target-Variant',
        endpointName: invocation.endpointName,
        variantName: invocation.targetVariant,
      });
      listener.invocationEnded(error, undefined);
      return;
    }
  } else {
    variant = endpoint.pick(Math.random());
    if (!variant) {
      const error = HostingErrors.variantUnavailable({ variantName: '(any)', endpointName: endpoint.name });
      listener.invocationEnded(error, undefined);
      return;
    }
  }
  const sampled = endpoint.capture?.sampled() ?? false;
  const inFlight = new InFlight(endpoint, variant, invocation, sampled, started, listener);
  invokeThen(
    variant.backend,
    { body: invocation.body, contentType: invocation.contentType, accept: invocation.accept },
    inFlight,
  );
}

export function invokeEndpoint(router: EndpointRouter, invocation: Invocation): Promise<InvocationResult> {
  return new Promise((resolve, reject) =>
    startInvocation(router, invocation, {
      invocationEnded: (error, result) => (result ? resolve(result) : reject(error)),
    }),
  );
}

/** An invocation waiting for its model: measures, captures and answers when the backend replies. */
class InFlight implements InvokeListener {
  private readonly modelStarted = performance.now();

  constructor(
    private readonly endpoint: LiveEndpoint,
    private readonly variant: LiveVariant,
    private readonly invocation: Invocation,
    private readonly sampled: boolean,
    private readonly started: number,
    private readonly listener: InvocationListener,
  ) {}

  invoked(error: Error | undefined, response: InvokeResponse | undefined): void {
    const { endpoint, variant, invocation } = this;
    const status = error ? (error instanceof BackendError ? error.status : 500) : 200;
    variant.metrics.observe(status, performance.now() - this.modelStarted, this.modelStarted - this.started);
    if (!error) {
      if (this.sampled) {
        endpoint.capture!.record({
          variant: variant.name,
          input: invocation.body,
          inputType: invocation.contentType,
          output: response!.body,
          outputType: response!.contentType,
          inferenceId: invocation.inferenceId,
        });
      }
      this.listener.invocationEnded(undefined, {
        body: response!.body,
        contentType: response!.contentType,
        variant: variant.name,
      });
      return;
    }
    this.listener.invocationEnded(this.answerFor(error), undefined);
  }

  /** A backend's error as the caller sees it: its own 4xx, 503 for no instance, else a model error. */
  private answerFor(error: Error): unknown {
    if (!(error instanceof BackendError)) return error;
    const { variant, endpoint } = this;
    if (error.status === 400) return HostingErrors.badPayload({ reason: error.message });
    if (error.status === 503)
      return HostingErrors.variantUnavailable({ variantName: variant.name, endpointName: endpoint.name });
    return HostingErrors.modelError({ variantName: variant.name, reason: error.message });
  }
}
