/**
 * The base of every step: a named ASL state with the common data-flow fields, a `next` link, and
 * (for Task, Parallel and Map) Retry and Catch. `next()` returns its argument so steps chain:
 * `prepare.next(train).next(deploy)`.
 */
import type { StateDefinition } from '../../asl/index.ts';
import { renderTemplate } from '../placeholders.ts';
import type { Catch, Retry } from '../retry-catch.ts';

export interface DataFlowFields {
  comment?: string;
  inputPath?: string | null;
  outputPath?: string | null;
  /** Parameters (JSONPath); placeholders become `key.$` paths. */
  parameters?: Record<string, unknown>;
  resultPath?: string | null;
  resultSelector?: Record<string, unknown>;
}

export abstract class Step {
  nextStep?: Step;
  protected readonly retries: Retry[] = [];
  protected readonly catches: Catch[] = [];
  /** States without a successor end the machine unless they are terminal by type. */
  protected readonly terminal: boolean = false;
  protected readonly supportsRetry: boolean = false;

  constructor(
    readonly stateId: string,
    protected readonly fields: DataFlowFields = {},
  ) {
    if (!stateId || stateId.length > 80)
      throw new Error(`a step name must be 1 to 80 characters: "${stateId}"`);
  }

  abstract readonly type: StateDefinition['Type'];

  next(step: Step): Step {
    if (this.terminal) throw new Error(`${this.stateId}: a ${this.type} state cannot have a next step`);
    this.nextStep = step;
    return step;
  }

  addRetry(retry: Retry): this {
    if (!this.supportsRetry) throw new Error(`${this.stateId}: a ${this.type} state has no Retry`);
    this.retries.push(retry);
    return this;
  }

  addCatch(handler: Catch): this {
    if (!this.supportsRetry) throw new Error(`${this.stateId}: a ${this.type} state has no Catch`);
    this.catches.push(handler);
    return this;
  }

  /** Steps this one can transition to (for collecting a machine's states and drawing it). */
  successors(): Step[] {
    return [...(this.nextStep ? [this.nextStep] : []), ...this.catches.map((c) => c.options.next)];
  }

  /** The type-specific fields. */
  protected abstract body(): Partial<StateDefinition>;

  toState(): StateDefinition {
    const f = this.fields;
    const state: StateDefinition = { Type: this.type };
    if (f.comment) state.Comment = f.comment;
    if (f.inputPath !== undefined) state.InputPath = f.inputPath;
    Object.assign(state, this.body());
    if (f.parameters !== undefined)
      state.Parameters = renderTemplate(f.parameters) as StateDefinition['Parameters'];
    if (f.resultSelector !== undefined)
      state.ResultSelector = renderTemplate(f.resultSelector) as StateDefinition['ResultSelector'];
    if (f.resultPath !== undefined) state.ResultPath = f.resultPath;
    if (f.outputPath !== undefined) state.OutputPath = f.outputPath;
    if (this.retries.length > 0) state.Retry = this.retries.map((r) => r.toAsl());
    if (this.catches.length > 0)
      state.Catch = this.catches.map((c) => ({
        ErrorEquals: c.options.errorEquals,
        Next: c.options.next.stateId,
        ...(c.options.resultPath !== undefined ? { ResultPath: c.options.resultPath } : {}),
      }));
    if (!this.terminal && this.type !== 'Choice') {
      if (this.nextStep) state.Next = this.nextStep.stateId;
      else state.End = true;
    }
    return state;
  }
}
