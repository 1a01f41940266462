/**
 * Runs a row-range kernel on several threads over shared memory. The data a kernel reads lives in
 * SharedArrayBuffers handed to each worker once; per call, the calling thread splits the range,
 * posts each worker its share through an Atomics control array (no message round trip), runs the
 * first share itself, then waits and folds each worker's partial output into its own.
 *
 * Worker code is built from the source text of ordinary functions (`fn.toString()`), so the
 * kernels that run in workers are the same functions the calling thread runs.
 */
import { Worker } from 'node:worker_threads';

/** Control words per worker: sequence, acknowledged sequence, start, end, parameter, stop. */
const STRIDE = 8;

export interface KernelPoolOptions {
  /** Threads in all, the calling one included; 1 runs everything on the calling thread. */
  threads: number;
  /** Function declarations the worker needs (use `fn.toString()`). */
  prelude: string;
  /**
   * Statement run in the worker per task, with `shared` (the shared object), `out` (the worker's
   * partial output, a Float64Array), `start`, `end` and `param` in scope.
   */
  invoke: string;
  /** Passed to every worker once: typed arrays on SharedArrayBuffers, numbers, strings. */
  shared: Record<string, unknown>;
  /** Length of a worker's partial output. */
  outLength: number;
  /** Below this many rows per thread, fewer threads are used. */
  minRowsPerThread: number;
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

export class KernelPool {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly partials: Float64Array[] = [];
  private readonly sequence: number[] = [];
  private readonly minRowsPerThread: number;

  constructor(options: KernelPoolOptions) {
    const helpers = Math.max(0, options.threads - 1);
    this.minRowsPerThread = options.minRowsPerThread;
    this.control = new Int32Array(new SharedArrayBuffer(Math.max(helpers, 1) * STRIDE * 4));
    const source = `
const { workerData } = require('node:worker_threads');
${options.prelude}
const { control, index, shared, out } = workerData;
const base = index * ${STRIDE};
let seen = 0;
for (;;) {
  Atomics.wait(control, base, seen);
  seen = Atomics.load(control, base);
  if (control[base + 5] === 1) break;
  const start = control[base + 2];
  const end = control[base + 3];
  const param = control[base + 4];
  ${options.invoke}
  Atomics.store(control, base + 1, seen);
  Atomics.notify(control, base + 1);
}
`;
    for (let index = 0; index < helpers; index++) {
      const out = sharedFloat64(options.outLength);
      const worker = new Worker(source, {
        eval: true,
        // Plain JavaScript: no need to start the TypeScript loader (or anything else) in the worker.
        execArgv: [],
        workerData: { control: this.control, index, shared: options.shared, out },
      });
      // Never keep the process alive for a pool someone forgot to close.
      worker.unref();
      this.workers.push(worker);
      this.partials.push(out);
      this.sequence.push(0);
    }
  }

  /**
   * Runs [start, end): `local` on the calling thread for the first share, the workers' invoke
   * for the others; then `reduce` receives each worker's partial output.
   */
  run(
    start: number,
    end: number,
    param: number,
    local: (start: number, end: number) => void,
    reduce: (partial: Float64Array) => void,
  ): void {
    const count = end - start;
    const threads = Math.max(1, Math.min(this.workers.length + 1, Math.floor(count / this.minRowsPerThread)));
    if (threads === 1) {
      local(start, end);
      return;
    }
    const share = Math.ceil(count / threads);
    const c = this.control;
    for (let w = 0; w < threads - 1; w++) {
      const base = w * STRIDE;
      const from = start + share * (w + 1);
      c[base + 2] = from;
      c[base + 3] = Math.min(end, from + share);
      c[base + 4] = param;
      this.sequence[w] = Atomics.add(c, base, 1) + 1;
      Atomics.notify(c, base);
    }
    local(start, Math.min(end, start + share));
    for (let w = 0; w < threads - 1; w++) {
      const base = w * STRIDE;
      for (;;) {
        const acknowledged = Atomics.load(c, base + 1);
        if (acknowledged === this.sequence[w]) break;
        Atomics.wait(c, base + 1, acknowledged);
      }
      reduce(this.partials[w]);
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
