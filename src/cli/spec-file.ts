/** Reads a resource spec from a JSON or YAML file; errors name `field` (the flag or argument that gave it). */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { invalid } from '../core/errors.ts';

export function readSpecFile(path: string, field = '--file'): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(
      field,
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    const parsed = ['.yaml', '.yml'].includes(extname(path)) ? parseYaml(text) : JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('it must hold an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw invalid(field, `${path} is not a valid spec: ${(error as Error).message}`);
  }
}

/** `name=value` pairs from repeated flags. */
export function keyValues(pairs: string[] | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw invalid(flag, `"${pair}" is not name=value`);
    result[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return result;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
