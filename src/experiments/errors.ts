/** The experiments domain's error catalogue. */
import { defineError } from '../core/errors.ts';

export const ExperimentErrors = {
  paramChanged: defineError(
    'SLIPWAY_RUN_PARAM_CHANGED',
    'conflict',
    'params.{key}: run "{run}" already has {key}={old}; a parameter is logged once (got {value})',
  ),
  runEnded: defineError(
    'SLIPWAY_RUN_ENDED',
    'conflict',
    'run "{run}" is {status}; only a Running run accepts metrics, parameters and artifacts',
  ),
  otherExperiment: defineError(
    'SLIPWAY_RUN_OTHER_EXPERIMENT',
    'conflict',
    'run "{run}" belongs to experiment "{actual}", not "{experiment}"',
  ),
  badFilter: defineError('SLIPWAY_RUN_BAD_FILTER', 'validation', '{field}: {reason}'),
  notReproducible: defineError(
    'SLIPWAY_RUN_NOT_REPRODUCIBLE',
    'validation',
    'run "{run}" cannot be reproduced: {reason}',
  ),
  inputsChanged: defineError(
    'SLIPWAY_RUN_INPUTS_CHANGED',
    'conflict',
    'run "{run}" cannot be reproduced, its inputs changed: {changes}',
  ),
};
