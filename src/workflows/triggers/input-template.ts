/**
 * A trigger's execution input: its `input` fields, where a key ending in `.$` takes its value from
 * the fire (the event, the execution's name, the trigger) by a JSONPath or an intrinsic call, as in
 * a Task's Parameters. So a schedule can name each run after its slot and a new-file rule can hand
 * the file's URI to the workflow:
 *
 *   { "RunId.$": "$.executionName", "DataUri.$": "$.event.detail.uri" }
 */
import { randomUUID } from 'node:crypto';
import { invalid } from '../../core/errors.ts';
import type { Json } from '../asl/index.ts';
import { applyPayloadTemplate } from '../asl/payload-template.ts';
import { Problems } from '../asl/validate/problems.ts';
import { checkPayloadTemplate } from '../asl/validate/validate-expressions.ts';

/** What a template's paths read: `$.trigger`, `$.executionName`, `$.event…`. */
export interface Fire {
  trigger: string;
  executionName: string;
  event: Record<string, unknown>;
}

/** Refuses a template whose paths or intrinsic calls do not parse, naming the key. */
export function checkInputTemplate(input: Record<string, unknown> | undefined): void {
  if (!input) return;
  const problems = new Problems();
  checkPayloadTemplate(problems, 'input', input);
  const first = problems.list[0];
  if (first) throw invalid(first.field, first.reason);
}

/** The execution input of one fire: the rendered template, then `trigger` and `event` beside it. */
export function executionInput(
  input: Record<string, unknown> | undefined,
  fire: Fire,
): Record<string, unknown> {
  const scope = { input: fire as unknown as Json, context: {}, variables: {} };
  const rendered = applyPayloadTemplate((input ?? {}) as Json, scope, intrinsicEnvironment, 'input');
  return { ...(rendered as Record<string, unknown>), trigger: fire.trigger, event: fire.event };
}

const intrinsicEnvironment = { random: Math.random, uuid: randomUUID };
