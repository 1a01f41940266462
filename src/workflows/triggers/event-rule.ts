/** Whether an event-bus event matches a trigger's event rule. */
import type { SlipwayEvent } from '../../core/events.ts';
import { compileGlob } from '../../core/glob.ts';
import type { TriggerSpec } from './types.ts';

export type EventRule = TriggerSpec['event'] & {};

const compiled = new Map<string, (type: string) => boolean>();

export function ruleMatches(rule: EventRule, event: SlipwayEvent): boolean {
  let matches = compiled.get(rule.type);
  if (!matches) {
    matches = compileGlob(rule.type);
    compiled.set(rule.type, matches);
  }
  if (!matches(event.type)) return false;
  for (const [key, value] of Object.entries(rule.detail ?? {})) if (event.detail[key] !== value) return false;
  for (const [key, prefix] of Object.entries(rule.detailPrefix ?? {})) {
    const value = event.detail[key];
    if (typeof value !== 'string' || !value.startsWith(prefix)) return false;
  }
  return true;
}
