/**
 * Runs triggers: ticks the schedules (every second by default; tests call `tick()` with an injected
 * clock) and consumes the event log for event rules. A schedule slot fires once across replicas
 * and restarts: the slot is first claimed by writing it as `lastFireTime` with an optimistic-version
 * update, and the execution it starts is named after the slot. Event rules run on one durable
 * consumer shared by the replicas, so every event is matched once wherever it was published, and
 * one published while no Slipway ran is matched when one starts; the execution is named after the
 * event, so a redelivered event starts nothing twice.
 */
import type { Clock } from '../../core/clock.ts';
import type { EventConsumer } from '../../core/event-consumer.ts';
import type { EventBus, SlipwayEvent } from '../../core/events.ts';
import type { Logger } from '../../core/logging.ts';
import { ruleMatches } from './event-rule.ts';
import { dueFireTime } from './schedule.ts';
import { eventInput, type TriggerRecord, type TriggerService, triggerChanges } from './trigger-service.ts';

export class TriggerController {
  private timer?: NodeJS.Timeout;
  private readonly consumer: EventConsumer;
  private eventRules: TriggerRecord[] | null = null;

  constructor(
    private readonly deps: {
      triggers: TriggerService;
      events: EventBus;
      clock: Clock;
      logger: Logger;
      tickMs?: number;
    },
  ) {
    this.consumer = deps.events.consume({
      name: 'trigger-event-rules',
      patterns: ['*'],
      handle: (event) => this.onEvent(event),
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.deps.tickMs ?? 1000);
    this.consumer.start();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer.close();
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
    // A trigger was defined, switched or deleted (on any replica): rules after it see the change.
    if (triggerChanges.some((change) => event.type === `trigger.${change}`)) this.eventRules = null;
    this.eventRules ??= (await this.deps.triggers.enabled()).filter((t) => t.spec.event);
    for (const trigger of this.eventRules) {
      // A consumer catching up must not fire a rule for what happened before the rule existed.
      if (event.time < trigger.createdAt || !ruleMatches(trigger.spec.event!, event)) continue;
      await this.deps.triggers.fire(trigger, { suffix: `e${event.id}`, event: eventInput(event) });
    }
  }
}
