/**
 * ONNX variants: each instance is a worker thread holding an ONNX Runtime session. Requests go to
 * the instance with the fewest in flight, through shared memory (shared-channel.ts) or, when too
 * large for a slot and for tensor requests, by message. A worker that dies is replaced; its
 * in-flight requests fail with 503 rather than hang.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { InstanceStatus } from '../../hosting/types.ts';
import {
  BackendError,
  type InvokeListener,
  type InvokeRequest,
  type InvokeResponse,
  type VariantBackend,
} from './backend.ts';
import { InstancePool, type OnDeath, type PoolInstance, startedWith } from './instance-pool.ts';
import { doorbell, type WorkerReply, type WorkerRequest } from './onnx-messages.ts';
import type { TensorInfo } from './onnx-model.ts';
import { type ChannelShape, createChannelMemory, defaultChannelShape, MainEnd } from './shared-channel.ts';

const bootstrap = new URL('./onnx-worker-bootstrap.mjs', import.meta.url);

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

type Outputs = Record<string, { data: unknown[]; dims: number[]; type: string }>;

class OnnxInstance implements PoolInstance {
  readonly status: InstanceStatus;
  worker!: Worker;
  inFlight = 0;
  private channel!: MainEnd;
  /** Requests in the channel, by slot. */
  private bySlot: Array<InvokeListener | undefined> = [];
  private nextId = 1;
  /** Requests sent by message, by id. */
  private readonly byId = new Map<number, Pending<WorkerReply>>();
  /** Message requests of this event-loop turn, posted to the worker as one message. */
  private outbox: WorkerRequest[] = [];
  ready = false;
  tensors?: { inputs: TensorInfo[]; outputs: TensorInfo[] };
  private ringing = false;
  /**
   * Wakes an idle worker once this event-loop turn's requests are all queued: the worker then runs
   * them as one batch, and one wake-up serves the turn.
   */
  private readonly ring = () => {
    if (this.ringing) return;
    this.ringing = true;
    setImmediate(this.ringNow);
  };
  private readonly ringNow = () => {
    this.ringing = false;
    this.worker.postMessage(doorbell);
  };
  private readonly settle = (slot: number, status: number, contentType: string, body: string) => {
    const listener = this.bySlot[slot]!;
    this.bySlot[slot] = undefined;
    this.inFlight--;
    if (status === 200) listener.invoked(undefined, { body, contentType });
    else listener.invoked(new BackendError(status, body), undefined);
  };

  constructor(
    private readonly modelDir: string,
    private readonly onExit: OnDeath<OnnxInstance>,
    private readonly shape: ChannelShape,
  ) {
    this.status = {
      id: `onnx-${randomUUID().slice(0, 8)}`,
      status: 'Starting',
      startedAt: Date.now(),
      restarts: 0,
    };
  }

  /** Starts (or restarts) the worker with a fresh channel; resolves once the model is loaded. */
  start(): Promise<void> {
    this.ready = false;
    this.status.status = 'Starting';
    const memory = createChannelMemory(this.shape);
    this.channel = new MainEnd(memory, this.shape);
    this.bySlot = new Array(this.shape.slots).fill(undefined);
    this.worker = new Worker(bootstrap, {
      workerData: { modelDir: this.modelDir, channel: memory, shape: this.shape },
      // A larger young generation: every request leaves short-lived strings and rows behind, and
      // fewer, emptier scavenges cost less CPU (shared with the HTTP thread on small machines).
      resourceLimits: { maxYoungGenerationSizeMb: 48 },
    });
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      worker.on(
        'message',
        (message: typeof doorbell | WorkerReply[] | { ready: true; tensors: OnnxInstance['tensors'] }) => {
          if (message === doorbell) this.channel.receive(this.settle);
          else if (Array.isArray(message)) this.receiveMessages(message);
          else {
            this.ready = true;
            this.tensors = message.tensors;
            this.status.status = 'Healthy';
            resolve();
          }
        },
      );
      worker.on('error', (error) => {
        this.status.lastFailure = error.message;
        if (!this.ready) reject(error);
      });
      worker.on('exit', (code) => {
        if (worker !== this.worker) return;
        const wasReady = this.ready;
        this.ready = false;
        this.status.status = 'Unhealthy';
        const stopped = new BackendError(503, 'the model instance stopped');
        for (const listener of this.bySlot) listener?.invoked(stopped, undefined);
        this.bySlot.fill(undefined);
        for (const pending of this.byId.values()) pending.reject(stopped);
        this.byId.clear();
        this.outbox = [];
        this.inFlight = 0;
        if (wasReady) this.onExit(this, this.status.lastFailure ?? `worker exited with code ${code}`);
      });
    });
  }

  private receiveMessages(replies: WorkerReply[]): void {
    for (const reply of replies) {
      if (reply.slot !== undefined) {
        // A channel request whose reply was too large for its slot.
        this.channel.release(reply.slot);
        if (reply.ok) this.settle(reply.slot, 200, reply.contentType!, reply.body!);
        else this.settle(reply.slot, reply.status, '', reply.message);
        continue;
      }
      const pending = this.byId.get(reply.id!);
      if (!pending) continue;
      this.byId.delete(reply.id!);
      this.inFlight--;
      pending.resolve(reply);
    }
  }

  invokeThen(request: InvokeRequest, listener: InvokeListener): void {
    const slot = this.channel.send(request.body, request.contentType, request.accept, this.ring);
    this.inFlight++;
    if (slot >= 0) {
      this.bySlot[slot] = listener;
      return;
    }
    this.message({
      kind: 'invoke',
      body: request.body.toString('utf8'),
      contentType: request.contentType,
      accept: request.accept,
    }).then(
      (reply) =>
        reply.ok
          ? listener.invoked(undefined, { body: reply.body!, contentType: reply.contentType! })
          : listener.invoked(new BackendError(reply.status, reply.message), undefined),
      (error) => listener.invoked(error, undefined),
    );
  }

  async infer(inputs: NonNullable<WorkerRequest['inputs']>): Promise<Outputs> {
    this.inFlight++;
    const reply = await this.message({ kind: 'infer', inputs });
    if (!reply.ok) throw new BackendError(reply.status, reply.message);
    return reply.outputs!;
  }

  private message(request: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.byId.set(id, { resolve, reject });
      if (this.outbox.length === 0) setImmediate(() => this.flush());
      this.outbox.push({ ...request, id });
    });
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length > 0) this.worker.postMessage(batch);
  }

  async stop(): Promise<void> {
    this.status.status = 'Stopped';
    this.ready = false;
    await this.worker.terminate();
  }
}

function noHealthyInstance(): BackendError {
  return new BackendError(503, 'no healthy instance');
}

export class OnnxBackend implements VariantBackend {
  private readonly pool: InstancePool<OnnxInstance>;

  private constructor(modelDir: string, shape: ChannelShape) {
    this.pool = new InstancePool((onDeath) => new OnnxInstance(modelDir, onDeath, shape));
  }

  /** `channel` sizes each instance's shared-memory slots (tests make them small). */
  static start(options: {
    modelDir: string;
    instanceCount: number;
    channel?: ChannelShape;
  }): Promise<OnnxBackend> {
    const backend = new OnnxBackend(options.modelDir, options.channel ?? defaultChannelShape);
    return startedWith(backend, options.instanceCount);
  }

  instances(): InstanceStatus[] {
    return this.pool.instances();
  }

  ready(): boolean {
    return this.pool.ready();
  }

  /** The ready instance with the fewest requests in flight. */
  private healthiest(): OnnxInstance | undefined {
    let best: OnnxInstance | undefined;
    for (const instance of this.pool.members) {
      if (instance.ready && (!best || instance.inFlight < best.inFlight)) best = instance;
    }
    return best;
  }

  private pick(): OnnxInstance {
    const instance = this.healthiest();
    if (!instance) throw noHealthyInstance();
    return instance;
  }

  invoke(request: InvokeRequest): Promise<InvokeResponse> {
    return new Promise((resolve, reject) =>
      this.invokeThen(request, {
        invoked: (error, response) => (response ? resolve(response) : reject(error)),
      }),
    );
  }

  invokeThen(request: InvokeRequest, listener: InvokeListener): void {
    const instance = this.healthiest();
    if (instance) instance.invokeThen(request, listener);
    else listener.invoked(noHealthyInstance(), undefined);
  }

  infer(inputs: NonNullable<WorkerRequest['inputs']>): Promise<Outputs> {
    return this.pick().infer(inputs);
  }

  describeTensors() {
    return this.pool.members.find((i) => i.tensors)?.tensors;
  }

  scale(count: number): Promise<void> {
    return this.pool.scale(count);
  }

  /** For tests and operators: ends an instance's worker abruptly, as a crash would. */
  async crashInstance(index: number): Promise<void> {
    await this.pool.members[index]?.worker.terminate();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
