/**
 * Limited-memory BFGS for smooth convex objectives (logistic, softmax and squared losses with L2).
 * Full-batch: for a few dozen parameters and up to millions of rows, a quasi-Newton step per pass
 * converges in tens of passes where SGD needs many epochs and a tuned learning rate.
 */

/** Writes the gradient at `x` into `grad` and returns the objective. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when max |gradient| falls below this. */
  gradientTolerance: number;
  /** Stop when the relative decrease of the objective in one iteration falls below this. */
  functionTolerance: number;
  /** Number of correction pairs kept. */
  history?: number;
  /** Called after each accepted step; returning true stops the optimisation. */
  onIteration?: (iteration: number, x: Float64Array, loss: number) => boolean | undefined;
}

export interface LbfgsResult {
  x: Float64Array;
  loss: number;
  iterations: number;
  evaluations: number;
  reason: 'gradient' | 'function' | 'max_iterations' | 'callback' | 'line_search';
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.history ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  const direction = new Float64Array(n);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  let loss = objective(x, g);
  let evaluations = 1;
  if (maxAbs(g) <= options.gradientTolerance)
    return { x, loss, iterations: 0, evaluations, reason: 'gradient' };

  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    // Two-loop recursion: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = -g[i];
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], direction);
      const yk = y[k];
      for (let i = 0; i < n; i++) direction[i] -= alpha[k] * yk[i];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let i = 0; i < n; i++) direction[i] *= gamma;
    } else {
      // First step: unit length, since nothing yet tells the curvature.
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < n; i++) direction[i] /= Math.max(norm, 1);
    }
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], direction);
      const sk = s[k];
      for (let i = 0; i < n; i++) direction[i] += sk[i] * (alpha[k] - beta);
    }
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -g[i];
      slope = dot(direction, g);
    }

    // Backtracking line search with the Armijo condition; the step is 1 almost always.
    let step = 1;
    let nextLoss = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let attempt = 0; attempt < 40; attempt++) {
      for (let i = 0; i < n; i++) xNext[i] = x[i] + step * direction[i];
      nextLoss = objective(xNext, gNext);
      evaluations++;
      if (nextLoss <= loss + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      // Minimum of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5] × step.
      const quadratic = (-slope * step * step) / (2 * (nextLoss - loss - slope * step));
      step = Number.isFinite(quadratic) ? Math.min(0.5 * step, Math.max(0.1 * step, quadratic)) : 0.5 * step;
    }
    if (!accepted) return { x, loss, iterations: iteration, evaluations, reason: 'line_search' };

    const sk = s.length === m ? s.shift()! : new Float64Array(n);
    const yk = y.length === m ? y.shift()! : new Float64Array(n);
    if (rho.length === m) rho.shift();
    for (let i = 0; i < n; i++) {
      sk[i] = xNext[i] - x[i];
      yk[i] = gNext[i] - g[i];
    }
    const sy = dot(sk, yk);
    // Keep the pair only when curvature is positive, which keeps the inverse Hessian positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const previous = loss;
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    loss = nextLoss;

    if (options.onIteration?.(iteration, x, loss))
      return { x, loss, iterations: iteration, evaluations, reason: 'callback' };
    if (maxAbs(g) <= options.gradientTolerance)
      return { x, loss, iterations: iteration, evaluations, reason: 'gradient' };
    if ((previous - loss) / Math.max(Math.abs(previous), Math.abs(loss), 1e-12) < options.functionTolerance) {
      return { x, loss, iterations: iteration, evaluations, reason: 'function' };
    }
  }
  return { x, loss, iterations: options.maxIterations, evaluations, reason: 'max_iterations' };
}
