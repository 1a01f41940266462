/** A local path given on the command line becomes an absolute file:// URI; URIs pass through. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export function toUri(pathOrUri: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUri)) return pathOrUri;
  return pathToFileURL(resolve(pathOrUri)).href;
}
