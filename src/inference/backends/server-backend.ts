/**
 * Variants served by a model server process or container (the inference contract: GET /ping,
 * POST /invocations on SAGEMAKER_BIND_TO_PORT), started through the Runtime interface. Requests are
 * proxied over kept-alive connections. Instances are health-checked; one that exits or stops
 * answering /ping is replaced.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { InstanceStatus } from '../../hosting/types.ts';
import type { RunLedger } from '../../runtime/run-ledger.ts';
import type { RunHandle, RunSpec, Runtime } from '../../runtime/runtime.ts';
import { BackendError, type InvokeRequest, type InvokeResponse, type VariantBackend } from './backend.ts';
import { freePort } from './free-port.ts';
import { InstancePool, type OnDeath, type PoolInstance, startedWith } from './instance-pool.ts';

export interface ServerLaunch {
  runtime: Runtime;
  /** Where each started server is recorded, so a Slipway killed outright has its servers ended at the next start. */
  ledger?: RunLedger;
  image?: string;
  command?: string[];
  args?: string[];
  /** Environment, given the layout root the server sees (/opt/ml or the host folder). */
  env: (layoutRoot: string) => Record<string, string>;
  /** Host folder holding model/ (and code/); mounted at /opt/ml in a container. */
  hostRoot: string;
  /** Where each instance's log lines go. */
  onLog?: (instanceId: string, line: string) => void;
  startupTimeoutMs?: number;
}

const pingIntervalMs = 2000;
const failedPingsBeforeRestart = 3;

class ServerInstance implements PoolInstance {
  readonly status: InstanceStatus;
  port = 0;
  handle?: RunHandle;
  ready = false;
  private failedPings = 0;
  private pinger?: NodeJS.Timeout;

  constructor(
    private readonly launch: ServerLaunch,
    private readonly agent: Agent,
    private readonly onDeath: OnDeath<ServerInstance>,
  ) {
    this.status = {
      id: `srv-${randomUUID().slice(0, 8)}`,
      status: 'Starting',
      startedAt: Date.now(),
      restarts: 0,
    };
  }

  async start(): Promise<void> {
    this.ready = false;
    this.status.status = 'Starting';
    this.port = await freePort();
    const { runtime } = this.launch;
    const layoutRoot = runtime.layoutRoot(this.launch.hostRoot);
    mkdirSync(join(this.launch.hostRoot, 'model'), { recursive: true });
    const spec: RunSpec = {
      id: `serve-${this.status.id}`,
      image: this.launch.image,
      command: this.launch.command,
      args: this.launch.args,
      env: { ...this.launch.env(layoutRoot), SAGEMAKER_BIND_TO_PORT: String(this.port) },
      hostRoot: this.launch.hostRoot,
      workdir: runtime.name === 'process' ? this.launch.hostRoot : undefined,
      onLog: (line) => this.launch.onLog?.(this.status.id, line),
    };
    const handle = await runtime.start(spec);
    this.launch.ledger?.record(runtime, handle);
    this.handle = handle;
    let exited = false;
    void handle.exited.then((exit) => {
      exited = true;
      if (handle !== this.handle || this.status.status === 'Stopped') return;
      this.markDead(
        `the model server exited (${exit.exitCode === null ? exit.signal : `code ${exit.exitCode}`})`,
      );
    });
    const deadline = Date.now() + (this.launch.startupTimeoutMs ?? 60_000);
    while (!(await this.ping())) {
      if (exited) throw new Error('the model server exited during startup; see the endpoint log');
      if (Date.now() > deadline) {
        await handle.stop(1000);
        throw new Error('the model server did not answer GET /ping in time');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.ready = true;
    this.failedPings = 0;
    this.status.status = 'Healthy';
    this.pinger = setInterval(() => void this.healthCheck(), pingIntervalMs);
  }

  private async healthCheck(): Promise<void> {
    if (!this.ready) return;
    if (await this.ping()) {
      this.failedPings = 0;
      return;
    }
    if (++this.failedPings >= failedPingsBeforeRestart) {
      this.markDead(`GET /ping failed ${failedPingsBeforeRestart} times`);
      await this.handle?.stop(1000);
    }
  }

  private markDead(reason: string): void {
    if (!this.ready && this.status.status !== 'Healthy') return;
    this.ready = false;
    clearInterval(this.pinger);
    this.status.status = 'Unhealthy';
    this.status.lastFailure = reason;
    this.onDeath(this, reason);
  }

  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/ping',
          method: 'GET',
          agent: this.agent,
          timeout: 2000,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }

  forward(request: InvokeRequest): Promise<InvokeResponse> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/invocations',
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': request.contentType,
            accept: request.accept,
            'content-length': request.body.length,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 500;
            if (status >= 400) reject(new BackendError(status >= 500 ? 500 : 400, errorText(body)));
            else resolve({ body, contentType: res.headers['content-type'] ?? 'application/octet-stream' });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (error) => reject(new BackendError(503, `model server unreachable: ${error.message}`)));
      req.end(request.body);
    });
  }

  async stop(): Promise<void> {
    this.status.status = 'Stopped';
    this.ready = false;
    clearInterval(this.pinger);
    await this.handle?.stop(5000);
  }
}

/** A model server's error body is often JSON `{error|message}`; show its text. */
function errorText(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    return String(parsed.error ?? parsed.message ?? text);
  } catch {
    return text.trim() || 'the model server returned an error';
  }
}

export class ServerBackend implements VariantBackend {
  private readonly pool: InstancePool<ServerInstance>;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private next = 0;

  private constructor(launch: ServerLaunch) {
    this.pool = new InstancePool((onDeath) => new ServerInstance(launch, this.agent, onDeath));
  }

  static start(launch: ServerLaunch, instanceCount: number): Promise<ServerBackend> {
    return startedWith(new ServerBackend(launch), instanceCount);
  }

  instances(): InstanceStatus[] {
    return this.pool.instances();
  }

  ready(): boolean {
    return this.pool.ready();
  }

  invoke(request: InvokeRequest): Promise<InvokeResponse> {
    // Round robin over healthy instances.
    const members = this.pool.members;
    for (let tries = 0; tries < members.length; tries++) {
      const instance = members[this.next++ % members.length]!;
      if (instance.ready) return instance.forward(request);
    }
    return Promise.reject(new BackendError(503, 'no healthy instance'));
  }

  scale(count: number): Promise<void> {
    return this.pool.scale(count);
  }

  /** Host process ids of the instances (process runtime), for operators and tests. */
  pids(): number[] {
    return this.pool.members
      .map((instance) => instance.handle?.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  async close(): Promise<void> {
    await this.pool.close();
    this.agent.destroy();
  }
}
