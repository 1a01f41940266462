/** Schemas shared by routes: the error body, paging, and name parameters. */
import { ResourceName, Type } from '../../core/schema.ts';

export const ErrorBody = Type.Object(
  { code: Type.String(), message: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) },
  { $id: 'ErrorBody' },
);

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
};

export const PagingQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  nextToken: Type.Optional(Type.String()),
});

export const NameParams = Type.Object({ name: ResourceName });

export function pageOf<T>(items: T[], nextToken?: string) {
  return nextToken ? { items, nextToken } : { items };
}
