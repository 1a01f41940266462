/** Artifact keys are relative, slash-separated paths that can never leave their store's root. */
import { invalid } from '../core/errors.ts';

/** Temporary objects are named with this marker and hidden from listings. */
export const temporaryMarker = '.slipway-tmp-';

export function checkKey(key: string, field = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(field, 'must not be empty');
  if (key.includes('\0')) throw invalid(field, 'must not contain a NUL character');
  if (key.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(key))
    throw invalid(field, 'must be relative, not absolute');
  if (key.includes('\\')) throw invalid(field, 'must use "/" as separator, not "\\"');
  const segments = key.split('/');
  if (segments.some((segment) => segment === '..')) throw invalid(field, 'must not contain ".." segments');
  if (
    segments.some((segment, index) => segment === '' && index < segments.length - 1) ||
    segments.includes('.')
  ) {
    throw invalid(field, 'must not contain empty or "." segments');
  }
  if (key.length > 1024) throw invalid(field, 'must be at most 1024 characters');
  return key;
}

/** A prefix may be empty (the whole store) or end in "/". */
export function checkPrefix(prefix: string, field = 'prefix'): string {
  if (prefix === '') return prefix;
  return checkKey(prefix, field);
}

export function joinKey(...parts: string[]): string {
  return parts
    .filter((part) => part !== '')
    .map((part, index) => (index === 0 ? part.replace(/\/+$/, '') : part.replace(/^\/+|\/+$/g, '')))
    .join('/');
}
