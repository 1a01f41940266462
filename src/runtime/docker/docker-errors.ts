/**
 * The Docker runtime's error catalogue. Image and engine problems are the user's (or operator's) to
 * fix, so the messages say what to do; nothing here ever reaches for a registry, which is not
 * reachable from a Slipway host in general.
 */
import { defineError } from '../../core/errors.ts';

export const DockerRuntimeErrors = {
  imageRequired: defineError(
    'SLIPWAY_RUNTIME_IMAGE_REQUIRED',
    'validation',
    'run {id}: the docker runtime needs an image to run',
  ),
  imageNotFound: defineError(
    'SLIPWAY_RUNTIME_IMAGE_NOT_FOUND',
    'validation',
    'image "{image}" does not exist on the Docker engine; Slipway never pulls images: build it or load it there first (docker build / docker load / docker import)',
  ),
  dockerUnavailable: defineError(
    'SLIPWAY_RUNTIME_DOCKER_UNAVAILABLE',
    'unavailable',
    'the Docker engine at {engine} cannot be reached ({reason}); is dockerd running, and may Slipway use its socket?',
  ),
  dockerFailed: defineError(
    'SLIPWAY_RUNTIME_DOCKER_FAILED',
    'internal',
    'run {id}: docker could not {action}: {reason}',
  ),
};
