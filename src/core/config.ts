/**
 * Configuration: built-in defaults, then `$SLIPWAY_HOME/config.json` (or the file named by
 * SLIPWAY_CONFIG), then SLIPWAY_* environment variables. Validated once at start; a bad or unknown
 * key is an error that names it, so a typo never silently falls back to a default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CoreErrors, isSlipwayError } from './errors.ts';
import { type Static, StrictObject, Type, validate } from './schema.ts';

export const ConfigSchema = StrictObject({
  home: Type.String({ minLength: 1 }),
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  databaseUrl: Type.String({ pattern: '^(sqlite:|postgres://|postgresql://)' }),
  artifactsUrl: Type.String({ pattern: '^(file://|s3://)' }),
  /** Endpoint of an S3-compatible server (MinIO, Ceph, …); empty means AWS itself. */
  s3Endpoint: Type.Optional(Type.String()),
  s3Region: Type.String(),
  authEnabled: Type.Boolean(),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
  ),
  /** The interpreter user Python code runs with (Debian's has scikit-learn; PATH's may not). */
  python: Type.String({ minLength: 1 }),
  /**
   * Extra pip arguments for installing a training job's requirements.txt, e.g. an index mirror
   * (--index-url …) or a wheel folder (--no-index --find-links /wheels).
   */
  pipArgs: Type.Array(Type.String({ minLength: 1 })),
  /** GPU indices this host may hand to jobs, e.g. [0, 1]. */
  gpus: Type.Array(Type.Integer({ minimum: 0 })),
  /** Seconds between SIGTERM and SIGKILL when a job is stopped (SageMaker gives 120). */
  stopGraceSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
  /**
   * Who the server trusts with the host (see trust-mode.ts): `auto` is single-user until a
   * non-admin token exists or the server listens beyond loopback, then team.
   */
  trustMode: Type.Union([Type.Literal('auto'), Type.Literal('single-user'), Type.Literal('team')]),
  /** The image team mode runs user code in when a request names none (script mode, a command). */
  teamImage: Type.Optional(Type.String({ minLength: 1 })),
  /** Team mode may run user code on the host as the server's user (trusted teams only). */
  allowProcessRuntime: Type.Boolean(),
  /** Folders (file://) and bucket prefixes (s3://) requests may name besides the artifact store. */
  dataRoots: Type.Array(Type.String({ pattern: '^(file:///|s3://)' })),
  /** The largest file a run artifact upload may stream to the artifact store, in bytes. */
  maxUploadBytes: Type.Integer({ minimum: 1 }),
  /** Initial admin token; only used on first start when no admin token exists yet. */
  adminToken: Type.Optional(Type.String({ minLength: 16 })),
});
export type Config = Static<typeof ConfigSchema>;

/** Environment variable → config key, with how to parse its text. */
const environmentKeys: Record<string, { key: keyof Config; parse: (text: string) => unknown }> = {
  SLIPWAY_HOST: { key: 'host', parse: String },
  SLIPWAY_PORT: { key: 'port', parse: parseInteger },
  SLIPWAY_DATABASE_URL: { key: 'databaseUrl', parse: String },
  SLIPWAY_ARTIFACTS_URL: { key: 'artifactsUrl', parse: String },
  SLIPWAY_S3_ENDPOINT: { key: 's3Endpoint', parse: String },
  SLIPWAY_S3_REGION: { key: 's3Region', parse: String },
  SLIPWAY_AUTH: { key: 'authEnabled', parse: parseOnOff },
  SLIPWAY_LOG_LEVEL: { key: 'logLevel', parse: String },
  SLIPWAY_PYTHON: { key: 'python', parse: String },
  SLIPWAY_PIP_ARGS: { key: 'pipArgs', parse: (text) => text.split(/\s+/).filter(Boolean) },
  SLIPWAY_GPUS: { key: 'gpus', parse: parseIntegerList },
  SLIPWAY_ADMIN_TOKEN: { key: 'adminToken', parse: String },
  SLIPWAY_STOP_GRACE_SECONDS: { key: 'stopGraceSeconds', parse: parseInteger },
  SLIPWAY_TRUST_MODE: { key: 'trustMode', parse: String },
  SLIPWAY_TEAM_IMAGE: { key: 'teamImage', parse: String },
  SLIPWAY_ALLOW_PROCESS_RUNTIME: { key: 'allowProcessRuntime', parse: parseOnOff },
  SLIPWAY_MAX_UPLOAD_BYTES: { key: 'maxUploadBytes', parse: parseInteger },
  SLIPWAY_DATA_ROOTS: {
    key: 'dataRoots',
    parse: (text) =>
      text
        .split(',')
        .map((uri) => uri.trim())
        .filter(Boolean),
  },
};

/** Variables read elsewhere (by the CLI or this loader) that are not config keys. */
const otherKnownVariables = new Set(['SLIPWAY_HOME', 'SLIPWAY_CONFIG', 'SLIPWAY_URL', 'SLIPWAY_TOKEN']);

export function defaultConfig(home: string): Config {
  return {
    home,
    host: '127.0.0.1',
    port: 7007,
    databaseUrl: `sqlite:${join(home, 'slipway.db')}`,
    artifactsUrl: pathToFileURL(join(home, 'artifacts')).href,
    s3Region: 'us-east-1',
    authEnabled: true,
    logLevel: 'info',
    python: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
    pipArgs: [],
    gpus: [],
    stopGraceSeconds: 120,
    trustMode: 'auto',
    allowProcessRuntime: false,
    dataRoots: [],
    maxUploadBytes: 5 * 1024 ** 3,
  };
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything else (CLI flags, tests). */
  overrides?: Partial<Config>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const home = resolve(options.overrides?.home ?? env.SLIPWAY_HOME ?? '.slipway');
  const merged: Record<string, unknown> = { ...defaultConfig(home) };

  const file = env.SLIPWAY_CONFIG ?? join(home, 'config.json');
  if (existsSync(file)) Object.assign(merged, readConfigFile(file));

  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('SLIPWAY_') || value === undefined) continue;
    const entry = environmentKeys[variable];
    if (!entry) {
      if (otherKnownVariables.has(variable) || variable.startsWith('SLIPWAY_TEST_')) continue;
      throw CoreErrors.config({ key: variable, reason: 'is not a known setting' });
    }
    try {
      merged[entry.key] = entry.parse(value);
    } catch (error) {
      throw CoreErrors.config({ key: variable, reason: (error as Error).message });
    }
  }
  Object.assign(merged, options.overrides, { home });

  try {
    const config = validate(ConfigSchema, merged);
    if (!config.authEnabled && !isLoopback(config.host)) {
      throw CoreErrors.config({
        key: 'authEnabled',
        reason: `auth can only be turned off when listening on loopback, not on ${config.host}`,
      });
    }
    return config;
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'SLIPWAY_VALIDATION') {
      const field = String(error.details.field);
      throw CoreErrors.config({ key: field, reason: String(error.details.reason) });
    }
    throw error;
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw CoreErrors.config({ key: file, reason: `is not valid JSON (${(error as Error).message})` });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw CoreErrors.config({ key: file, reason: 'must hold a JSON object' });
  }
  if ('home' in parsed)
    throw CoreErrors.config({ key: 'home', reason: 'is set by SLIPWAY_HOME, not the file' });
  return parsed as Record<string, unknown>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function parseInteger(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new Error(`"${text}" is not a whole number`);
  return Number(text);
}

function parseOnOff(text: string): boolean {
  const value = text.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new Error(`"${text}" is not on or off`);
}

function parseIntegerList(text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => parseInteger(part));
}
