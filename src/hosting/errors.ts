import { defineError } from '../core/errors.ts';

export const HostingErrors = {
  modelMissing: defineError(
    'SLIPWAY_HOSTING_MODEL_MISSING',
    'validation',
    '{field}: model "{modelName}" does not exist',
  ),
  configMissing: defineError(
    'SLIPWAY_HOSTING_CONFIG_MISSING',
    'validation',
    '{field}: endpoint config "{endpointConfigName}" does not exist',
  ),
  noModelSource: defineError(
    'SLIPWAY_HOSTING_NO_MODEL_SOURCE',
    'validation',
    'primaryContainer: a {servingType} model needs {needs}',
  ),
  artifactMissing: defineError(
    'SLIPWAY_HOSTING_ARTIFACT_MISSING',
    'validation',
    '{field}: {uri} does not exist',
  ),
  modelDataChanged: defineError(
    'SLIPWAY_HOSTING_MODEL_DATA_CHANGED',
    'conflict',
    '{field}: {uri} has changed since it was recorded: expected sha256 {expected}, found sha256 {found}',
  ),
  deleting: defineError('SLIPWAY_ENDPOINT_DELETING', 'conflict', 'endpoint "{name}" is being deleted'),
  inUse: defineError('SLIPWAY_HOSTING_IN_USE', 'conflict', '{kind} "{name}" is used by {user}'),
  unknownVariant: defineError(
    'SLIPWAY_HOSTING_UNKNOWN_VARIANT',
    'validation',
    '{field}: endpoint "{endpointName}" has no variant "{variantName}"',
  ),
  notReady: defineError(
    'SLIPWAY_ENDPOINT_NOT_READY',
    'unavailable',
    'endpoint "{endpointName}" is {status}; it serves once InService',
  ),
  noEndpoint: defineError(
    'SLIPWAY_ENDPOINT_NOT_FOUND',
    'not_found',
    'endpoint "{endpointName}" does not exist',
  ),
  transformNotStoppable: defineError(
    'SLIPWAY_TRANSFORM_NOT_STOPPABLE',
    'conflict',
    'transform job "{name}" is {status}; only an InProgress job can be stopped',
  ),
  badPayload: defineError('SLIPWAY_INFERENCE_BAD_PAYLOAD', 'validation', '{reason}'),
  modelError: defineError('SLIPWAY_INFERENCE_MODEL_ERROR', 'internal', 'variant {variantName}: {reason}'),
  unsupportedType: defineError(
    'SLIPWAY_INFERENCE_UNSUPPORTED_TYPE',
    'validation',
    'content type "{contentType}" is not supported; use {supported}',
  ),
  variantUnavailable: defineError(
    'SLIPWAY_INFERENCE_NO_INSTANCE',
    'unavailable',
    'variant {variantName} of endpoint {endpointName} has no healthy instance right now',
  ),
};
