/**
 * Patience-based early stopping on a validation loss: stop once `patience` iterations in a row
 * fail to improve on the best loss by more than `tolerance` (relative), and remember the best.
 */
export class EarlyStopping {
  best = Number.POSITIVE_INFINITY;
  bestIteration = 0;
  private sinceBest = 0;

  constructor(
    private readonly patience: number,
    private readonly tolerance: number,
  ) {}

  /** Records the loss of `iteration`; returns whether it is the new best and whether to stop. */
  update(iteration: number, loss: number): { improved: boolean; stop: boolean } {
    const threshold =
      this.best === Number.POSITIVE_INFINITY ? this.best : this.best - this.tolerance * Math.abs(this.best);
    if (loss < threshold) {
      this.best = loss;
      this.bestIteration = iteration;
      this.sinceBest = 0;
      return { improved: true, stop: false };
    }
    this.sinceBest++;
    return { improved: false, stop: this.sinceBest >= this.patience };
  }
}
