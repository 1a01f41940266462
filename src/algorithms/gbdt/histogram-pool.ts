/**
 * Histogram building on several threads: each worker accumulates its share of a node's rows into
 * its own histogram with the same accumulateHistogram function, and the calling thread adds them
 * up. The binned matrix, gradients and row indices must live in SharedArrayBuffers.
 */
import { KernelPool } from '../parallel/kernel-pool.ts';
import type { BinnedMatrix } from './binning.ts';
import { accumulateHistogram } from './histogram.ts';

/** Fewer rows than this per thread are not worth a hand-off. */
const MIN_ROWS_PER_THREAD = 16_384;

export class HistogramPool {
  private readonly pool: KernelPool;

  constructor(
    threads: number,
    private readonly matrix: BinnedMatrix,
    private readonly ghs: Float64Array[],
    private readonly rows: Uint32Array,
    histogramLength: number,
  ) {
    this.pool = new KernelPool({
      threads,
      prelude: `const accumulate = ${accumulateHistogram.toString()};`,
      invoke: 'out.fill(0); accumulate(out, shared.matrix, shared.ghs[param], shared.rows, start, end);',
      shared: { matrix: { features: matrix.features, slots: matrix.slots }, ghs, rows },
      outLength: histogramLength,
      minRowsPerThread: MIN_ROWS_PER_THREAD,
    });
  }

  /** Accumulates rows[start, end) with gradients ghs[ghIndex] into `hist` (zeroed by the caller). */
  accumulate(hist: Float64Array, ghIndex: number, start: number, end: number): void {
    this.pool.run(
      start,
      end,
      ghIndex,
      (from, to) => accumulateHistogram(hist, this.matrix, this.ghs[ghIndex], this.rows, from, to),
      (partial) => {
        for (let i = 0; i < hist.length; i++) hist[i] += partial[i];
      },
    );
  }

  close(): void {
    this.pool.close();
  }
}
