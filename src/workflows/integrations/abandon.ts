/**
 * Why a task's signal aborted matters to integrations that started work elsewhere (a training
 * job, a child execution): a stop or a timeout must stop that work, but Slipway shutting down (or
 * losing an execution's lease to another replica) must not, because the execution resumes later
 * and re-attaches to it.
 */
export const abandonReason = (cause: string) => ({
  kind: 'stopped' as const,
  error: 'Slipway.Abandoned',
  cause,
  abandon: true,
});

export function isAbandoned(signal: AbortSignal): boolean {
  return Boolean((signal.reason as { abandon?: boolean } | undefined)?.abandon);
}
