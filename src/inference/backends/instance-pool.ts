/**
 * The instances of one variant: scaling out and in, and replacing an instance that dies in place
 * (same identity, restart counted, failure kept for describe). Shared by every backend.
 */
import type { InstanceStatus } from '../../hosting/types.ts';

export interface PoolInstance {
  readonly status: InstanceStatus;
  readonly ready: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type OnDeath<I> = (instance: I, reason: string) => void;

export class InstancePool<I extends PoolInstance> {
  readonly members: I[] = [];
  private closed = false;

  constructor(private readonly make: (onDeath: OnDeath<I>) => I) {}

  instances(): InstanceStatus[] {
    return this.members.map((instance) => ({ ...instance.status }));
  }

  ready(): boolean {
    return this.members.some((instance) => instance.ready);
  }

  async scale(count: number): Promise<void> {
    const starting: Promise<void>[] = [];
    while (this.members.length < count) {
      const instance = this.make((dead, reason) => void this.replace(dead, reason));
      this.members.push(instance);
      starting.push(instance.start());
    }
    await Promise.all(starting);
    while (this.members.length > count) await this.members.pop()!.stop();
  }

  private async replace(instance: I, reason: string): Promise<void> {
    if (this.closed || !this.members.includes(instance)) return;
    instance.status.restarts++;
    instance.status.lastFailure = reason;
    try {
      await instance.start();
    } catch (error) {
      instance.status.lastFailure = (error as Error).message;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.members.map((instance) => instance.stop()));
    this.members.length = 0;
  }
}

/** Scales a new backend to `count` instances; if any fails to start, closes it and rethrows. */
export async function startedWith<B extends { scale(count: number): Promise<void>; close(): Promise<void> }>(
  backend: B,
  count: number,
): Promise<B> {
  try {
    await backend.scale(count);
  } catch (error) {
    await backend.close();
    throw error;
  }
  return backend;
}
