/** What a production variant runs on: instances that turn a request body into a response body. */
import type { InstanceStatus } from '../../hosting/types.ts';
import type { TensorInfo } from './onnx-model.ts';

export interface InvokeRequest {
  body: Buffer;
  contentType: string;
  accept: string;
}

export interface InvokeResponse {
  body: Buffer | string;
  contentType: string;
}

/** Hears how one request ended: the response, or the error (a BackendError for the model's answers). */
export interface InvokeListener {
  invoked(error: Error | undefined, response: InvokeResponse | undefined): void;
}

export interface VariantBackend {
  /** Live instance states, for describe. */
  instances(): InstanceStatus[];
  /** True when at least one instance can take a request. */
  ready(): boolean;
  invoke(request: InvokeRequest): Promise<InvokeResponse>;
  /**
   * The same, callback-shaped, where the backend has it (the hot path's form: no promises). It
   * reports every failure through the listener, never by throwing.
   */
  invokeThen?(request: InvokeRequest, listener: InvokeListener): void;
  /** Open Inference Protocol: run named tensors (ONNX backends). */
  infer?(
    inputs: Record<string, { data: unknown[]; shape: number[]; datatype: string }>,
  ): Promise<Record<string, { data: unknown[]; dims: number[]; type: string }>>;
  /** Input and output tensors, where the backend knows them. */
  describeTensors?(): { inputs: TensorInfo[]; outputs: TensorInfo[] } | undefined;
  /** Changes the number of instances (scale out or in). */
  scale(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by backends for a request the model refuses (4xx) vs a failure of the model (5xx). */
export class BackendError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a request on `backend` and tells `listener`, through the callback form when there is one. */
export function invokeThen(backend: VariantBackend, request: InvokeRequest, listener: InvokeListener): void {
  if (backend.invokeThen) {
    backend.invokeThen(request, listener);
    return;
  }
  let answer: Promise<InvokeResponse>;
  try {
    answer = backend.invoke(request);
  } catch (error) {
    // A backend whose invoke throws before returning its promise.
    listener.invoked(error as Error, undefined);
    return;
  }
  answer.then(
    (response) => listener.invoked(undefined, response),
    (error) => listener.invoked(error, undefined),
  );
}
