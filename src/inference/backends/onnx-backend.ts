/**
 * ONNX variants: each instance is a worker thread holding an ONNX Runtime session. Requests go to
 * the instance with the fewest in flight. A worker that dies is replaced; its in-flight requests
 * fail with 503 rather than hang.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { InstanceStatus } from '../../hosting/types.ts';
import { BackendError, type InvokeRequest, type InvokeResponse, type VariantBackend } from './backend.ts';
import { InstancePool, type OnDeath, type PoolInstance, startedWith } from './instance-pool.ts';
import type { TensorInfo } from './onnx-model.ts';
import type { WorkerReply, WorkerRequest } from './onnx-worker.ts';

const bootstrap = new URL('./onnx-worker-bootstrap.mjs', import.meta.url);

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

class OnnxInstance implements PoolInstance {
  readonly status: InstanceStatus;
  worker!: Worker;
  inFlight = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests of this event-loop turn, posted to the worker as one message (fewer clones and wake-ups). */
  private outbox: WorkerRequest[] = [];
  ready = false;
  tensors?: { inputs: TensorInfo[]; outputs: TensorInfo[] };

  constructor(
    private readonly modelDir: string,
    private readonly onExit: OnDeath<OnnxInstance>,
  ) {
    this.status = {
      id: `onnx-${randomUUID().slice(0, 8)}`,
      status: 'Starting',
      startedAt: Date.now(),
      restarts: 0,
    };
  }

  /** Starts (or restarts) the worker; resolves once the model is loaded. */
  start(): Promise<void> {
    this.ready = false;
    this.status.status = 'Starting';
    this.worker = new Worker(bootstrap, { workerData: { modelDir: this.modelDir } });
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerReply[] | { ready: true; tensors: OnnxInstance['tensors'] }) => {
        if (!Array.isArray(message)) {
          this.ready = true;
          this.tensors = message.tensors;
          this.status.status = 'Healthy';
          resolve();
          return;
        }
        for (const reply of message) {
          const pending = this.pending.get(reply.id);
          if (!pending) continue;
          this.pending.delete(reply.id);
          this.inFlight--;
          pending.resolve(reply);
        }
      });
      worker.on('error', (error) => {
        this.status.lastFailure = error.message;
        if (!this.ready) reject(error);
      });
      worker.on('exit', (code) => {
        if (worker !== this.worker) return;
        const wasReady = this.ready;
        this.ready = false;
        this.status.status = 'Unhealthy';
        for (const pending of this.pending.values())
          pending.reject(new BackendError(503, 'the model instance stopped'));
        this.pending.clear();
        this.inFlight = 0;
        if (wasReady) this.onExit(this, this.status.lastFailure ?? `worker exited with code ${code}`);
      });
    });
  }

  call(request: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
    const id = this.nextId++;
    this.inFlight++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.outbox.length === 0) setImmediate(() => this.flush());
      this.outbox.push({ ...request, id });
    });
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    this.worker.postMessage(batch);
  }

  async stop(): Promise<void> {
    this.status.status = 'Stopped';
    this.ready = false;
    await this.worker.terminate();
  }
}

export class OnnxBackend implements VariantBackend {
  private readonly pool: InstancePool<OnnxInstance>;

  private constructor(modelDir: string) {
    this.pool = new InstancePool((onDeath) => new OnnxInstance(modelDir, onDeath));
  }

  static start(options: { modelDir: string; instanceCount: number }): Promise<OnnxBackend> {
    return startedWith(new OnnxBackend(options.modelDir), options.instanceCount);
  }

  instances(): InstanceStatus[] {
    return this.pool.instances();
  }

  ready(): boolean {
    return this.pool.ready();
  }

  /** The instance with the fewest requests in flight. */
  private pick(): OnnxInstance {
    let best: OnnxInstance | undefined;
    for (const instance of this.pool.members) {
      if (instance.ready && (!best || instance.inFlight < best.inFlight)) best = instance;
    }
    if (!best) throw new BackendError(503, 'no healthy instance');
    return best;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const reply = await this.pick().call({
      kind: 'invoke',
      body: request.body.toString('utf8'),
      contentType: request.contentType,
      accept: request.accept,
    });
    if (!reply.ok) throw new BackendError(reply.status, reply.message);
    return { body: reply.body!, contentType: reply.contentType! };
  }

  async infer(inputs: Record<string, { data: unknown[]; shape: number[]; datatype: string }>) {
    const reply = await this.pick().call({ kind: 'infer', inputs });
    if (!reply.ok) throw new BackendError(reply.status, reply.message);
    return reply.outputs!;
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
