/** The registry's error catalogue. */
import { defineError } from '../core/errors.ts';

export const RegistryErrors = {
  metricMissing: defineError(
    'SLIPWAY_REGISTRY_METRIC_MISSING',
    'conflict',
    'model package {modelPackage} cannot be approved: the group requires metric "{metric}", which this version does not have',
  ),
  metricOutOfBounds: defineError(
    'SLIPWAY_REGISTRY_METRIC_OUT_OF_BOUNDS',
    'conflict',
    'model package {modelPackage} cannot be approved: metric "{metric}" is {value}, the group requires {bound}',
  ),
  metricDeclared: defineError(
    'SLIPWAY_REGISTRY_METRIC_DECLARED',
    'conflict',
    'model package {modelPackage} cannot be approved: metric "{metric}" ({value}) is only declared by whoever registered it; the group requires it measured by the training job the version came from',
  ),
  versionNotFound: defineError(
    'SLIPWAY_REGISTRY_VERSION_NOT_FOUND',
    'not_found',
    'model package group "{group}" has no version or alias "{version}"',
  ),
  notApproved: defineError(
    'SLIPWAY_REGISTRY_NOT_APPROVED',
    'conflict',
    'model package {modelPackage} is {status}; only an Approved version can be deployed',
  ),
  noArtifact: defineError('SLIPWAY_REGISTRY_NO_MODEL', 'validation', '{field}: {reason}'),
};
