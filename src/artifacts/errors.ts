import { defineError } from '../core/errors.ts';

export const ArtifactErrors = {
  notFound: defineError('SLIPWAY_ARTIFACT_NOT_FOUND', 'not_found', 'artifact {uri} does not exist'),
  badUri: defineError('SLIPWAY_ARTIFACT_BAD_URI', 'validation', '{field}: "{uri}" {reason}'),
  unavailable: defineError(
    'SLIPWAY_ARTIFACT_UNAVAILABLE',
    'unavailable',
    'artifact store {root} failed: {reason}',
  ),
};
