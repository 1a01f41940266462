/**
 * Experiment tracking from TypeScript, over the REST API:
 *
 *   const run = await Run.start(client, { experimentName: 'penguins', params: { C: '1.0' } });
 *   await run.logMetric('loss', 0.3, 1);
 *   await run.logArtifact('plots/roc.png', './roc.png');
 *   await run.end();
 *
 * Every call is one request; `logMetrics` sends many points as one batch (one transaction).
 */
import { readFile } from 'node:fs/promises';
import type { SlipwayClient } from '../sdk/client.ts';

export interface RunView {
  runName: string;
  experimentName: string;
  status: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  [field: string]: unknown;
}

export interface PointInput {
  name: string;
  value: number;
  step?: number;
  /** Epoch milliseconds; default: when the server receives it. */
  timestamp?: number;
}

export class Run {
  private constructor(
    private readonly client: SlipwayClient,
    readonly name: string,
    readonly experimentName: string,
  ) {}

  /** Starts a run (and its experiment, when new). */
  static async start(
    client: SlipwayClient,
    options: {
      experimentName: string;
      runName?: string;
      params?: Record<string, string | number | boolean>;
      tags?: Record<string, string>;
      notes?: string;
      sourceUri?: string;
      inputData?: Array<{ name: string; uri: string }>;
    },
  ): Promise<Run> {
    const created = await client.post<RunView>('/api/v1/runs', {
      ...options,
      params: options.params ? stringify(options.params) : undefined,
    });
    return new Run(client, created.runName, created.experimentName);
  }

  /** A run that exists already (e.g. the one a training job made), to log into. */
  static async attach(client: SlipwayClient, runName: string): Promise<Run> {
    const found = await client.get<RunView>(`/api/v1/runs/${encodeURIComponent(runName)}`);
    return new Run(client, found.runName, found.experimentName);
  }

  private path(suffix = ''): string {
    return `/api/v1/runs/${encodeURIComponent(this.name)}${suffix}`;
  }

  async logMetric(name: string, value: number, step?: number): Promise<void> {
    await this.client.post(this.path('/metrics'), { name, value, ...(step === undefined ? {} : { step }) });
  }

  /** Many points in one request: a record of name → value at one step, or a list of points. */
  async logMetrics(points: Record<string, number> | PointInput[], step?: number): Promise<void> {
    const metrics = Array.isArray(points)
      ? points
      : Object.entries(points).map(([name, value]) => ({
          name,
          value,
          ...(step === undefined ? {} : { step }),
        }));
    if (metrics.length === 0) return;
    await this.client.post(this.path('/metrics'), { metrics });
  }

  async logParam(key: string, value: string | number | boolean): Promise<void> {
    await this.logParams({ [key]: value });
  }

  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    await this.client.post(this.path('/params'), { params: stringify(params) });
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    await this.client.post(this.path('/tags'), { tags });
  }

  /** Uploads a local file as the artifact `path` (e.g. `plots/roc.png`). */
  async logArtifact(path: string, localFile: string): Promise<{ path: string; uri: string; sha256: string }> {
    const body = await readFile(localFile);
    const response = await this.client.raw(
      'POST',
      `${this.path('/artifacts')}?path=${encodeURIComponent(path)}`,
      body,
      {
        'content-type': 'application/octet-stream',
      },
    );
    return (await response.json()) as { path: string; uri: string; sha256: string };
  }

  async end(status: 'Completed' | 'Failed' | 'Stopped' = 'Completed'): Promise<RunView> {
    return this.client.post<RunView>(this.path('/end'), { status });
  }

  describe(): Promise<RunView> {
    return this.client.get<RunView>(this.path());
  }
}

function stringify(values: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}
