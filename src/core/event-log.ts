/**
 * One log line per state change: every event the platform publishes (a job created, completed or
 * failed, an endpoint in service, an execution started or ended) is logged at info level, with the
 * reason when there is one, so the server's log tells what happened without a query.
 */
import type { EventBus, SlipwayEvent } from './events.ts';
import type { Logger } from './logging.ts';

/** Detail keys worth a place on the line: why something failed, where a model went. */
const reasonKeys = ['failureReason', 'reason', 'error', 'cause', 'status'] as const;

export function logEvents(events: EventBus, logger: Logger): () => void {
  return events.subscribe('*', (event) => {
    logger.info(eventFields(event), eventMessage(event));
  });
}

export function eventMessage(event: SlipwayEvent): string {
  const dot = event.type.lastIndexOf('.');
  const what = dot === -1 ? event.type : event.type.slice(dot + 1);
  return `${event.resource} ${what.replace(/-/g, ' ')}`;
}

function eventFields(event: SlipwayEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = { event: event.type, resource: event.resource, eventId: event.id };
  for (const key of reasonKeys) {
    const value = event.detail[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return fields;
}
