/** A sequence of steps, each one's next being the following one: `Chain.of(prepare, train, deploy)`. */
import type { Step } from './steps/step.ts';

export class Chain {
  readonly steps: Step[] = [];

  constructor(steps: Array<Step | Chain> = []) {
    for (const step of steps) this.append(step);
  }

  static of(...steps: Array<Step | Chain>): Chain {
    return new Chain(steps);
  }

  append(step: Step | Chain): this {
    const added = step instanceof Chain ? step.steps : [step];
    if (added.length === 0) return this;
    const last = this.steps.at(-1);
    if (last) last.next(added[0]!);
    this.steps.push(...added);
    return this;
  }

  get first(): Step {
    const first = this.steps[0];
    if (!first) throw new Error('an empty Chain has no first step');
    return first;
  }
}
