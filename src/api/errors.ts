/**
 * The one place that turns errors into HTTP responses: `{code, message, details}` with the status
 * of the error's kind. Fastify's own errors (bad JSON, schema failures, oversized bodies) are
 * translated into the same shape so clients see one format.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOfKind, isSlipwayError, SlipwayError } from '../core/errors.ts';
import { fieldPath } from '../core/schema.ts';

export function toSlipwayError(error: FastifyError): SlipwayError {
  if (isSlipwayError(error)) return error;
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const context = error.validationContext ?? 'body';
    let pointer = first.instancePath ?? '';
    const params = first.params as Record<string, unknown>;
    if (first.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer += `/${params.missingProperty}`;
    }
    if (first.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      pointer += `/${params.additionalProperty}`;
    }
    const field = fieldPath(context, pointer);
    const reason =
      first.keyword === 'required'
        ? 'is required'
        : first.keyword === 'additionalProperties'
          ? 'is not a known field'
          : first.keyword === 'const'
            ? `must be one of ${allowedValues(error.validation, first.instancePath).join(', ')}`
            : first.keyword === 'enum'
              ? `must be one of ${(params.allowedValues as unknown[]).join(', ')}`
              : (first.message ?? 'is invalid');
    return new SlipwayError('SLIPWAY_VALIDATION', 'validation', `${field}: ${reason}`, { field, reason });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SlipwayError(
        'SLIPWAY_PAYLOAD_TOO_LARGE',
        'payload_too_large',
        'request body is larger than the limit',
        {
          field: 'body',
        },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SlipwayError('SLIPWAY_UNSUPPORTED_MEDIA_TYPE', 'validation', error.message, {
        field: 'content-type',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SlipwayError('SLIPWAY_VALIDATION', 'validation', 'body: must not be empty', {
        field: 'body',
        reason: 'must not be empty',
      });
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new SlipwayError(
      'SLIPWAY_VALIDATION',
      'validation',
      `body: is not valid JSON (${error.message})`,
      {
        field: 'body',
        reason: 'is not valid JSON',
      },
    );
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new SlipwayError('SLIPWAY_BAD_REQUEST', 'validation', error.message, {});
  }
  return new SlipwayError('SLIPWAY_INTERNAL', 'internal', 'internal error; see the server log', {});
}

/** A union of literals fails as one `const` error per branch: gather them into one list. */
function allowedValues(errors: NonNullable<FastifyError['validation']>, instancePath: string): string[] {
  return errors
    .filter((e) => e.keyword === 'const' && e.instancePath === instancePath)
    .map((e) => String((e.params as { allowedValue?: unknown }).allowedValue));
}

export function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const translated = toSlipwayError(error);
  if (translated.kind === 'internal') request.log.error({ err: error }, 'request failed');
  return reply.status(httpStatusOfKind[translated.kind]).send(translated.toJSON());
}
