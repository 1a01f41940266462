import type { StateDefinition } from '../../asl/index.ts';
import type { ChoiceRule } from '../choice-rule.ts';
import { Step } from './step.ts';

/** Choice: the first matching rule's step, else the default. */
export class Choice extends Step {
  readonly type = 'Choice' as const;
  private readonly choices: Array<{ rule: ChoiceRule; next: Step }> = [];
  private defaultStep?: Step;

  constructor(stateId: string, options: { comment?: string; inputPath?: string; outputPath?: string } = {}) {
    super(stateId, options);
  }

  addChoice(rule: ChoiceRule, next: Step): this {
    this.choices.push({ rule, next });
    return this;
  }

  default(next: Step): this {
    this.defaultStep = next;
    return this;
  }

  override next(): Step {
    throw new Error(`${this.stateId}: a Choice step goes on through addChoice() and default(), not next()`);
  }

  override successors(): Step[] {
    return [...this.choices.map((c) => c.next), ...(this.defaultStep ? [this.defaultStep] : [])];
  }

  protected body(): Partial<StateDefinition> {
    if (this.choices.length === 0)
      throw new Error(`${this.stateId}: a Choice step needs at least one choice`);
    return {
      Choices: this.choices.map((c) => ({ ...c.rule.toAsl(), Next: c.next.stateId })),
      ...(this.defaultStep ? { Default: this.defaultStep.stateId } : {}),
    };
  }
}
