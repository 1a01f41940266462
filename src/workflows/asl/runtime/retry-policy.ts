/**
 * Retry intervals. The n-th retry (n from 0) by a retrier waits
 * IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds; with JitterStrategy FULL a uniform
 * random fraction of that (AWS: "a random number between 0 and the computed backoff").
 */
import type { Retrier } from '../types.ts';

export const retryDefaults = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

export function retryDelayMs(retrier: Retrier, retriesSoFar: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? retryDefaults.IntervalSeconds;
  const backoff = retrier.BackoffRate ?? retryDefaults.BackoffRate;
  let seconds = interval * backoff ** retriesSoFar;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}
