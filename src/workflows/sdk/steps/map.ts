import type { StateDefinition } from '../../asl/index.ts';
import type { Chain } from '../chain.ts';
import { machineOf } from '../collect.ts';
import { renderTemplate } from '../placeholders.ts';
import { type DataFlowFields, Step } from './step.ts';

export interface MapOptions extends DataFlowFields {
  /** The steps run per item. */
  iterator: Step | Chain;
  itemsPath?: string;
  itemSelector?: Record<string, unknown>;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

/** Map: runs its iterator once per item of an array (named MapState to leave the global Map alone). */
export class MapState extends Step {
  readonly type = 'Map' as const;
  protected override readonly supportsRetry = true;
  constructor(
    stateId: string,
    private readonly options: MapOptions,
  ) {
    super(stateId, options);
  }
  protected body(): Partial<StateDefinition> {
    const o = this.options;
    return {
      ItemProcessor: machineOf(o.iterator),
      ...(o.itemsPath !== undefined ? { ItemsPath: o.itemsPath } : {}),
      ...(o.itemSelector !== undefined
        ? { ItemSelector: renderTemplate(o.itemSelector) as StateDefinition['ItemSelector'] }
        : {}),
      ...(o.maxConcurrency !== undefined ? { MaxConcurrency: o.maxConcurrency } : {}),
      ...(o.toleratedFailureCount !== undefined ? { ToleratedFailureCount: o.toleratedFailureCount } : {}),
      ...(o.toleratedFailurePercentage !== undefined
        ? { ToleratedFailurePercentage: o.toleratedFailurePercentage }
        : {}),
    };
  }
  iteratorSteps(): Step | Chain {
    return this.options.iterator;
  }
}
