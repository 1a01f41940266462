/**
 * Runs triggers: ticks the schedules (every second by default; tests call `tick()` with an injected
 * clock) and listens to the event bus for event rules. A schedule slot fires once across replicas
 * and restarts: the slot is first claimed by writing it as `lastFireTime` with an optimistic-version
 * update, and the execution it starts is named after the slot.
 */
import type { Clock } from '../../core/clock.ts';
import type { EventBus, SlipwayEvent } from '../../core/events.ts';
import type { Logger } from '../../core/logging.ts';
import { ruleMatches } from './event-rule.ts';
import { dueFireTime } from './schedule.ts';
import { eventInput, type TriggerRecord, type TriggerService } from './trigger-service.ts';

export class TriggerController {
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private eventRules: TriggerRecord[] | null = null;

  constructor(
    private readonly deps: {
      triggers: TriggerService;
      events: EventBus;
      clock: Clock;
      logger: Logger;
      tickMs?: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.deps.tickMs ?? 1000);
    this.unsubscribe = this.deps.events.subscribe('*', (event) => this.onEvent(event));
  }

  /** Triggers changed: re-read the event rules on the next event. */
  invalidate(): void {
    this.eventRules = null;
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Fires every schedule slot that is due now. Returns the executions started. */
  async tick(): Promise<string[]> {
    const started: string[] = [];
    const now = this.deps.clock.now();
    for (const trigger of await this.deps.triggers.enabled()) {
      const schedule = trigger.spec.schedule;
      if (!schedule) continue;
      try {
        const after = trigger.status.lastFireTime ?? trigger.createdAt;
        const due = dueFireTime(schedule, after, trigger.createdAt, now);
        if (due === undefined) continue;
        if (!(await this.deps.triggers.claimSlot(trigger, due))) continue;
        const result = await this.deps.triggers.fire(trigger, {
          suffix: `s${due}`,
          event: { type: 'trigger.schedule', time: new Date(due).toISOString(), trigger: trigger.name },
        });
        if (result.execution && !result.duplicate) started.push(result.execution);
      } catch (error) {
        this.deps.logger.error({ err: error, trigger: trigger.name }, 'schedule trigger failed');
      }
    }
    return started;
  }

  private async onEvent(event: SlipwayEvent): Promise<void> {
    // Events about triggers and executions would let a rule start itself in a loop.
    if (event.type.startsWith('trigger.fired') || event.type.startsWith('trigger.failed')) return;
    this.eventRules ??= (await this.deps.triggers.enabled()).filter((t) => t.spec.event);
    for (const trigger of this.eventRules) {
      if (!ruleMatches(trigger.spec.event!, event)) continue;
      await this.deps.triggers.fire(trigger, { suffix: `e${event.id}`, event: eventInput(event) });
    }
  }
}
