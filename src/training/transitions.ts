/** Status bookkeeping: secondary-status transitions with their times, as DescribeTrainingJob shows them. */
import type { SecondaryStatus, TrainingJobStatus, TrainingJobStatusName } from './types.ts';

export function withTransition(
  status: TrainingJobStatus,
  next: SecondaryStatus,
  message: string,
  now: number,
): TrainingJobStatus {
  const transitions = status.secondaryStatusTransitions.map((t, index, all) =>
    index === all.length - 1 && t.endTime === undefined ? { ...t, endTime: now } : t,
  );
  transitions.push({ status: next, startTime: now, statusMessage: message });
  return { ...status, secondaryStatus: next, secondaryStatusTransitions: transitions };
}

/** Ends the job: primary status, the last transition closed, end time and billable seconds. */
export function finished(
  status: TrainingJobStatus,
  outcome: {
    primary: TrainingJobStatusName;
    secondary: SecondaryStatus;
    message: string;
    failureReason?: string;
  },
  now: number,
): TrainingJobStatus {
  const next = withTransition(status, outcome.secondary, outcome.message, now);
  const last = next.secondaryStatusTransitions.at(-1)!;
  last.endTime = now;
  const start = status.trainingStartTime;
  return {
    ...next,
    trainingJobStatus: outcome.primary,
    failureReason: outcome.failureReason,
    trainingEndTime: now,
    billableTimeInSeconds: start === undefined ? 0 : Math.max(1, Math.ceil((now - start) / 1000)),
  };
}
