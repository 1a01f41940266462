/**
 * Runs the level passes (level-kernels.ts) on several threads. Every pass splits the rows into
 * the same contiguous shares, so the row list a thread writes while routing is the one it reads
 * while building histograms. Per pass, each worker fills its own partial output (a loss sum or
 * histograms) and the calling thread adds them into its own. Gradients run here too, so a round's
 * row work all happens on the same threads.
 */
import { KernelPool, sharedFloat64 } from '../parallel/kernel-pool.ts';
import type { BinnedMatrix } from './binning.ts';
import { accumulateRows, type LevelArrays, routeRows, startRows } from './level-kernels.ts';
import type { GradientFunction } from './objectives.ts';

/** Fewer rows than this per thread are not worth a hand-off. */
const MIN_ROWS_PER_THREAD = 16_384;
/** Histograms built in one pass are kept within this many bytes, so they stay in cache. */
const PASS_BYTES = 2 * 1024 * 1024;

const GRADIENTS = 0;
const START = 1;
const ROUTE = 2;
const ACCUMULATE = 3;

export interface LevelPoolOptions {
  threads: number;
  matrix: BinnedMatrix;
  /** Shared gradients, one array per output. */
  ghs: Float64Array[];
  /** Shared raw scores, rows × outputs. */
  raw: Float64Array;
  /** Shared labels, and the objective's gradient function (objectives.ts). */
  labels: Float64Array;
  objective: GradientFunction;
  outputs: number;
  /** Shared sampling flags. */
  inSample: Uint8Array;
  /** Doubles in one node's histogram. */
  histLength: number;
  maxDepth: number;
  /** Bytes of histograms built per pass over the rows (default 2 MiB). */
  passBytes?: number;
}

export class LevelPool {
  readonly arrays: LevelArrays;
  private readonly labels: Float64Array;
  private readonly objective: GradientFunction;
  /** Histograms per accumulation pass. */
  private readonly perPass: number;
  private readonly pool: KernelPool;

  constructor(options: LevelPoolOptions) {
    const { matrix, labels, objective } = options;
    this.labels = labels;
    this.objective = objective;
    const n = matrix.rows;
    // A level never holds more nodes than rows: every node has at least one.
    const maxWidth = Math.max(1, Math.min(2 ** options.maxDepth, n));
    const sharedInt32 = (length: number) => new Int32Array(new SharedArrayBuffer(length * 4));
    this.arrays = {
      rows: n,
      features: matrix.features,
      histLength: options.histLength,
      slots: matrix.slots,
      columns: matrix.columns,
      ghs: options.ghs,
      raw: options.raw,
      inSample: options.inSample,
      pos: sharedInt32(n),
      list: new Uint32Array(new SharedArrayBuffer(n * 4)),
      listEnd: sharedInt32(Math.max(options.threads, 1)),
      feature: sharedInt32(maxWidth),
      shift: new Uint8Array(new SharedArrayBuffer(maxWidth)),
      rightFrom: sharedInt32(maxWidth),
      firstChild: sharedInt32(maxWidth),
      leafValue: sharedFloat64(maxWidth),
      build: sharedInt32(maxWidth),
      listed: new Uint8Array(new SharedArrayBuffer(maxWidth)),
      args: sharedInt32(4),
    };
    this.arrays.args[1] = options.outputs;
    this.perPass = Math.max(1, Math.floor((options.passBytes ?? PASS_BYTES) / (options.histLength * 8)));
    this.pool = new KernelPool({
      threads: options.threads,
      prelude: [objective, startRows, routeRows, accumulateRows].map((fn) => fn.toString()).join('\n'),
      invoke: `
        const part = index + 1;
        if (param === ${GRADIENTS})
          out[0] = ${objective.name}(shared.raw, shared.labels, shared.ghs, shared.args[1], start, end, shared.args[2] === 1);
        else if (param === ${START}) startRows(shared, part, start, end);
        else if (param === ${ROUTE}) routeRows(shared, part, start, end);
        else {
          const L = shared.histLength;
          out.fill(0, 0, shared.args[3] * L);
          const hists = Array.from({ length: shared.args[3] }, (_, b) => out.subarray(b * L, (b + 1) * L));
          accumulateRows(shared, part, start, hists);
        }`,
      shared: { ...this.arrays, labels },
      outLength: this.perPass * options.histLength,
      minRowsPerThread: MIN_ROWS_PER_THREAD,
    });
  }

  /**
   * Gradients and hessians of every output at the current raw scores; returns the mean loss, or
   * NaN when `withLoss` is false (nobody reads it).
   */
  gradients(withLoss: boolean): number {
    const { raw, ghs, args, rows } = this.arrays;
    args[2] = withLoss ? 1 : 0;
    let loss = 0;
    this.overRows(
      GRADIENTS,
      (from, to) => {
        loss += this.objective(raw, this.labels, ghs, args[1], from, to, withLoss);
      },
      (partial) => {
        loss += partial[0];
      },
    );
    return withLoss ? loss / Math.max(rows, 1) : Number.NaN;
  }

  /** Starts a tree for output k: every row at the root, the sampled ones listed for its histogram. */
  start(k: number): void {
    this.arrays.args[0] = k;
    this.arrays.build[0] = 0;
    this.arrays.listed[0] = 1;
    this.overRows(START, (from, to) => startRows(this.arrays, 0, from, to));
  }

  /**
   * One level down, after the caller filled the current level's split tables and the next
   * level's `build` and `listed`.
   */
  route(): void {
    this.overRows(ROUTE, (from, to) => routeRows(this.arrays, 0, from, to));
  }

  /** Builds the histograms numbered 0 .. count - 1 in `build`, from the listed rows. */
  accumulate(count: number): Float64Array[] {
    const L = this.arrays.histLength;
    const all = new Float64Array(count * L);
    const views = Array.from({ length: count }, (_, b) => all.subarray(b * L, (b + 1) * L));
    for (let first = 0; first < count; first += this.perPass) {
      const inPass = Math.min(this.perPass, count - first);
      const target = all.subarray(first * L, (first + inPass) * L);
      this.arrays.args[2] = first;
      this.arrays.args[3] = inPass;
      this.overRows(
        ACCUMULATE,
        (from) => accumulateRows(this.arrays, 0, from, views.slice(first, first + inPass)),
        (partial) => {
          for (let j = 0; j < target.length; j++) target[j] += partial[j];
        },
      );
    }
    return views;
  }

  /**
   * Runs `op` over all rows, the calling thread's share through `local`. Always the whole range,
   * so every pass splits the rows into the same parts.
   */
  private overRows(
    op: number,
    local: (from: number, to: number) => void,
    reduce: (partial: Float64Array) => void = () => {},
  ): void {
    this.pool.run(0, this.arrays.rows, op, local, reduce);
  }

  close(): void {
    this.pool.close();
  }
}
