/** Time, injected so controllers and tests agree on "now". The store keeps epoch ms, the API ISO-8601. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function isoTime(epochMs: number | null | undefined): string | undefined {
  return epochMs == null ? undefined : new Date(epochMs).toISOString();
}
