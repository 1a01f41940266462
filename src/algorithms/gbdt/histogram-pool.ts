/**
 * Builds histograms on several threads. The binned matrix, gradients and row indices live in
 * SharedArrayBuffers; each worker accumulates its share of a node's rows into its own histogram
 * and the calling thread, which does a share too, adds them up. Hand-offs go through Atomics
 * (wait/notify on a control array), so a dispatch costs microseconds, not a message round trip.
 *
 * Workers run the very same accumulateHistogram function (its source text is evaluated in the
 * worker), so there is one kernel to maintain and threads cannot change results beyond the order
 * of floating-point additions.
 */
import { Worker } from 'node:worker_threads';
import type { BinnedMatrix } from './binning.ts';
import { accumulateHistogram } from './histogram.ts';

/** Fewer rows than this per thread are not worth a hand-off. */
const MIN_ROWS_PER_THREAD = 16_384;
/** Control words per worker: sequence, acknowledged sequence, start, end, gradient index, stop. */
const STRIDE = 8;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const accumulate = ${accumulateHistogram.toString()};
const { control, index, matrix, ghs, rows, hist } = workerData;
const base = index * ${STRIDE};
let seen = 0;
for (;;) {
  Atomics.wait(control, base, seen);
  seen = Atomics.load(control, base);
  if (control[base + 5] === 1) break;
  hist.fill(0);
  accumulate(hist, matrix, ghs[control[base + 4]], rows, control[base + 2], control[base + 3]);
  Atomics.store(control, base + 1, seen);
  Atomics.notify(control, base + 1);
}
`;

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

export class HistogramPool {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly partials: Float64Array[] = [];
  private readonly sequence: number[] = [];

  /**
   * `threads` counts the calling thread. The matrix slots, every `ghs` entry and `rows` must be
   * backed by SharedArrayBuffers.
   */
  constructor(
    threads: number,
    private readonly matrix: BinnedMatrix,
    private readonly ghs: Float64Array[],
    private readonly rows: Uint32Array,
    histogramLength: number,
  ) {
    const helpers = Math.max(0, threads - 1);
    this.control = new Int32Array(new SharedArrayBuffer(Math.max(helpers, 1) * STRIDE * 4));
    for (let index = 0; index < helpers; index++) {
      const hist = sharedFloat64(histogramLength);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          control: this.control,
          index,
          matrix: { features: matrix.features, slots: matrix.slots },
          ghs,
          rows,
          hist,
        },
      });
      worker.unref();
      this.workers.push(worker);
      this.partials.push(hist);
      this.sequence.push(0);
    }
  }

  /** Accumulates rows[start, end) with gradients ghs[ghIndex] into `hist` (zeroed by the caller). */
  accumulate(hist: Float64Array, ghIndex: number, start: number, end: number): void {
    const gh = this.ghs[ghIndex];
    const count = end - start;
    const threads = Math.min(this.workers.length + 1, Math.floor(count / MIN_ROWS_PER_THREAD));
    if (threads <= 1) {
      accumulateHistogram(hist, this.matrix, gh, this.rows, start, end);
      return;
    }
    const share = Math.ceil(count / threads);
    const c = this.control;
    for (let w = 0; w < threads - 1; w++) {
      const base = w * STRIDE;
      const from = start + share * (w + 1);
      c[base + 2] = from;
      c[base + 3] = Math.min(end, from + share);
      c[base + 4] = ghIndex;
      this.sequence[w] = Atomics.add(c, base, 1) + 1;
      Atomics.notify(c, base);
    }
    accumulateHistogram(hist, this.matrix, gh, this.rows, start, Math.min(end, start + share));
    for (let w = 0; w < threads - 1; w++) {
      const base = w * STRIDE;
      for (;;) {
        const acknowledged = Atomics.load(c, base + 1);
        if (acknowledged === this.sequence[w]) break;
        Atomics.wait(c, base + 1, acknowledged);
      }
      const partial = this.partials[w];
      for (let i = 0; i < hist.length; i++) hist[i] += partial[i];
    }
  }

  close(): void {
    this.workers.forEach((worker, w) => {
      this.control[w * STRIDE + 5] = 1;
      Atomics.add(this.control, w * STRIDE, 1);
      Atomics.notify(this.control, w * STRIDE);
      void worker.terminate();
    });
  }
}
