/** Error catalogue of the built-in algorithms. */
import { defineError } from '../core/errors.ts';

export const AlgorithmErrors = {
  dataInvalid: defineError('SLIPWAY_ALGORITHM_DATA_INVALID', 'validation', '{source}: {reason}'),
  channelMissing: defineError(
    'SLIPWAY_ALGORITHM_CHANNEL_MISSING',
    'validation',
    'channel "{channel}" is required but {reason}',
  ),
  unknownAlgorithm: defineError(
    'SLIPWAY_ALGORITHM_UNKNOWN',
    'validation',
    'algorithm "{algorithm}" is not one of: {known}',
  ),
};
