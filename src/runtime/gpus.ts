/**
 * Hands out GPUs from the configured inventory so two runs never share one. In-process: one
 * Slipway replica owns the GPUs of its host.
 */
export class GpuAllocator {
  private readonly free: Set<number>;

  constructor(readonly inventory: readonly number[]) {
    this.free = new Set(inventory);
  }

  /** The lowest `count` free indices, or undefined when not enough are free now. */
  allocate(count: number): number[] | undefined {
    if (count === 0) return [];
    if (this.free.size < count) return undefined;
    const taken = [...this.free].sort((a, b) => a - b).slice(0, count);
    for (const index of taken) this.free.delete(index);
    return taken;
  }

  release(indices: readonly number[]): void {
    for (const index of indices) if (this.inventory.includes(index)) this.free.add(index);
  }

  get available(): number {
    return this.free.size;
  }
}
