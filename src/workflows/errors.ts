/** The workflow domain's error catalogue (definitions have their own, in asl/errors.ts). */
import { defineError } from '../core/errors.ts';

export const WorkflowErrors = {
  unknownResource: defineError(
    'SLIPWAY_WORKFLOW_UNKNOWN_RESOURCE',
    'validation',
    '{field}: "{resource}" is not a task integration this Slipway knows (known: {known})',
  ),
  notRunning: defineError(
    'SLIPWAY_WORKFLOW_EXECUTION_NOT_RUNNING',
    'conflict',
    'execution "{name}" is {status}; only a RUNNING execution can be stopped',
  ),
  taskTokenUnknown: defineError(
    'SLIPWAY_WORKFLOW_TASK_TOKEN_UNKNOWN',
    'not_found',
    'taskToken: no task is waiting for this token (it completed, timed out, or never existed)',
  ),
  workflowInUse: defineError(
    'SLIPWAY_WORKFLOW_IN_USE',
    'conflict',
    'workflow "{name}" has {count} RUNNING execution(s); stop them before deleting it',
  ),
  unknownFunction: defineError(
    'SLIPWAY_WORKFLOW_UNKNOWN_FUNCTION',
    'validation',
    '{field}: no function named "{name}" is registered (POST /api/v1/functions)',
  ),
  hostNotAllowed: defineError(
    'SLIPWAY_WORKFLOW_HOST_NOT_ALLOWED',
    'validation',
    '{field}: {host} is not an allowed host for HTTP tasks (allowed: loopback and {allowed})',
  ),
};
