/**
 * Waiting for something to finish for a `.sync` task: re-checks when a matching event is published
 * (so the task ends promptly) and on an interval as a fallback (events are not delivered across
 * replicas). Ends when the signal aborts.
 */
import type { EventBus } from '../../core/events.ts';
import { realSleep } from '../asl/index.ts';

export async function waitUntil<T>(options: {
  check: () => Promise<T | undefined>;
  events: EventBus;
  pattern: string;
  signal: AbortSignal;
  intervalMs?: number;
}): Promise<T> {
  let wake: AbortController | null = null;
  const unsubscribe = options.events.subscribe(options.pattern, () => wake?.abort());
  try {
    for (;;) {
      const result = await options.check();
      if (result !== undefined) return result;
      if (options.signal.aborted) throw options.signal.reason;
      wake = new AbortController();
      const onAbort = () => wake?.abort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      await realSleep(options.intervalMs ?? 1000, wake.signal).catch(() => {});
      options.signal.removeEventListener('abort', onAbort);
      if (options.signal.aborted) throw options.signal.reason;
    }
  } finally {
    unsubscribe();
  }
}
