import { defineError } from '../core/errors.ts';

export const TrainingErrors = {
  channelMissing: defineError(
    'SLIPWAY_TRAINING_CHANNEL_MISSING',
    'validation',
    '{field}: channel "{channel}" points at {uri}, which does not exist',
  ),
  noCommand: defineError(
    'SLIPWAY_TRAINING_NO_COMMAND',
    'validation',
    'algorithmSpecification: say what to run: an algorithmName, a trainingImage, a containerEntrypoint, or the hyperparameters sagemaker_program and sagemaker_submit_directory',
  ),
  unknownAlgorithm: defineError(
    'SLIPWAY_TRAINING_UNKNOWN_ALGORITHM',
    'validation',
    'algorithmSpecification.algorithmName: "{name}" is not a built-in algorithm (known: {known})',
  ),
  notStoppable: defineError(
    'SLIPWAY_TRAINING_NOT_STOPPABLE',
    'conflict',
    'training job "{name}" is {status}; only an InProgress job can be stopped',
  ),
  tooManyGpus: defineError(
    'SLIPWAY_TRAINING_TOO_MANY_GPUS',
    'validation',
    'resourceConfig.gpuCount: {requested} GPUs asked for, but this host has {available}',
  ),
  multiInstance: defineError(
    'SLIPWAY_TRAINING_MULTI_INSTANCE',
    'validation',
    'resourceConfig.instanceCount: distributed training over several instances is not supported yet; use 1',
  ),
};
