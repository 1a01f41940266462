/**
 * One error type for the whole platform. Domain code throws a SlipwayError with a stable code;
 * the API layer maps its `kind` to an HTTP status (and the AWS adapters to an `__type`), so no
 * domain code ever picks a status itself.
 */

export const errorKinds = [
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unavailable',
  'internal',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export const httpStatusOfKind: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

/** AWS-style exception names, for the wire-protocol adapters. */
export const awsTypeOfKind: Record<ErrorKind, string> = {
  validation: 'ValidationException',
  unauthorized: 'UnrecognizedClientException',
  forbidden: 'AccessDeniedException',
  not_found: 'ResourceNotFound',
  conflict: 'ResourceInUse',
  payload_too_large: 'ValidationException',
  unavailable: 'ServiceUnavailable',
  internal: 'InternalFailure',
};

export type ErrorDetails = Record<string, unknown>;

export class SlipwayError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: ErrorDetails;

  constructor(code: string, kind: ErrorKind, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'SlipwayError';
    this.code = code;
    this.kind = kind;
    this.details = details;
  }

  toJSON() {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Defines a catalogue entry: a stable code, a kind and a message template. `{name}` placeholders
 * in the template are filled from the details object.
 */
export function defineError(code: string, kind: ErrorKind, template: string) {
  const make = (details: ErrorDetails = {}) =>
    new SlipwayError(code, kind, fillTemplate(template, details), details);
  return Object.assign(make, { code, kind });
}

function fillTemplate(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in details ? String(details[key]) : whole,
  );
}

/** The errors every domain shares. Domain-specific catalogues live in `<domain>/errors.ts`. */
export const CoreErrors = {
  validation: defineError('SLIPWAY_VALIDATION', 'validation', '{field}: {reason}'),
  notFound: defineError('SLIPWAY_NOT_FOUND', 'not_found', '{kind} "{name}" does not exist'),
  alreadyExists: defineError('SLIPWAY_ALREADY_EXISTS', 'conflict', '{kind} "{name}" already exists'),
  versionConflict: defineError(
    'SLIPWAY_VERSION_CONFLICT',
    'conflict',
    '{kind} "{name}" was changed by someone else (expected version {expected}, found {actual}); re-read and retry',
  ),
  unauthorized: defineError('SLIPWAY_AUTH_UNAUTHORIZED', 'unauthorized', '{reason}'),
  forbidden: defineError(
    'SLIPWAY_AUTH_FORBIDDEN',
    'forbidden',
    'this action needs the {required} role; your token has {actual}',
  ),
  tooLarge: defineError(
    'SLIPWAY_PAYLOAD_TOO_LARGE',
    'payload_too_large',
    '{field}: is larger than {limit} bytes',
  ),
  config: defineError('SLIPWAY_CONFIG_INVALID', 'validation', 'configuration {key}: {reason}'),
  internal: defineError('SLIPWAY_INTERNAL', 'internal', '{reason}'),
};

export function isSlipwayError(error: unknown): error is SlipwayError {
  return error instanceof SlipwayError;
}

/** A validation error naming the field; the most common error in every API. */
export function invalid(field: string, reason: string, extra: ErrorDetails = {}): SlipwayError {
  return CoreErrors.validation({ field, reason, ...extra });
}
