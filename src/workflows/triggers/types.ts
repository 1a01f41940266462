/** Triggers: what starts a workflow without a person: a schedule, an event rule, or a webhook. */
import { ResourceName, type Static, StrictObject, Type } from '../../core/schema.ts';

export const triggerKind = 'trigger';

const DetailValue = Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]);

export const TriggerSpecSchema = StrictObject({
  name: ResourceName,
  workflowName: ResourceName,
  /** Cron (five fields, or AWS's cron(m h dom mon dow year)) with an optional IANA time zone, or `rate(5 minutes)`. */
  schedule: Type.Optional(
    StrictObject({
      cron: Type.Optional(Type.String({ minLength: 9, maxLength: 256 })),
      timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      rate: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    }),
  ),
  /** An event rule over the event bus. */
  event: Type.Optional(
    StrictObject({
      /** The event type, `*` matching any run of characters: `model-package.approved`, `artifact.*`. */
      type: Type.String({ minLength: 1, maxLength: 256 }),
      /** Detail fields that must be equal. */
      detail: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), DetailValue)),
      /** Detail fields that must start with a prefix (e.g. a new object under `s3://bucket/data/`). */
      detailPrefix: Type.Optional(
        Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 2048 })),
      ),
    }),
  ),
  /** Started by POST /api/v1/triggers/<name>/webhook (e.g. a code push). */
  webhook: Type.Optional(Type.Boolean()),
  /**
   * Fields of every execution's input, next to `trigger` and `event`. A key ending in `.$` takes its
   * value from the fire by a path or intrinsic call: `$.executionName` (unique per fire),
   * `$.event.time`, `$.event.detail.uri` (a new object), `States.Format('run-{}', $.executionName)`.
   */
  input: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 256 })),
});
export type TriggerSpec = Static<typeof TriggerSpecSchema>;

export interface TriggerStatus {
  /** Epoch ms of the schedule slot fired last: written with an optimistic-version update, so one replica wins each slot. */
  lastFireTime?: number;
  fires: number;
  lastExecution?: string;
  lastError?: string;
}
