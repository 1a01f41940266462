/**
 * What code and environment a run used: the code's content hash, its git commit and dirty flag
 * when the code folder is a local git checkout, lock-file hashes, and interpreter versions.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { hashUri, isIncidentalCodeFile } from './content-hash.ts';
import type { SourceInfo } from './types.ts';

const run = promisify(execFile);
const lockFileNames = ['requirements.txt', 'package-lock.json', 'poetry.lock', 'Pipfile.lock', 'uv.lock'];

/** Undefined when the URI names nothing. */
export async function describeSource(
  artifacts: Artifacts,
  uri: string,
  field = 'sourceUri',
): Promise<SourceInfo | undefined> {
  const hashed = await hashUri(artifacts, uri, { field, exclude: isIncidentalCodeFile });
  if (!hashed) return undefined;
  const lockFiles: Record<string, string> = {};
  for (const object of hashed.objects) {
    if (lockFileNames.includes(object.key)) lockFiles[object.key] = object.sha256;
  }
  const git = uri.startsWith('file://')
    ? await gitState(
        fileURLToPath(uri),
        hashed.objects.map((object) => object.key),
      )
    : undefined;
  return {
    uri,
    sha256: hashed.sha256,
    ...(git ? { git } : {}),
    ...(Object.keys(lockFiles).length ? { lockFiles } : {}),
  };
}

/**
 * The commit checked out and whether the code differs from it; undefined outside git. `files` are
 * the hashed code files (relative to `folder`): one the commit does not track — in an ignored folder,
 * say — makes the code dirty too, since that commit cannot give it back.
 */
export async function gitState(
  folder: string,
  files: string[] = [],
): Promise<{ commit: string; dirty: boolean } | undefined> {
  try {
    const options = { cwd: folder, timeout: 10_000, maxBuffer: 64 * 1024 * 1024 };
    const { stdout: commit } = await run('git', ['rev-parse', 'HEAD'], options);
    // `-- .`: only this folder's changes count, not the rest of a bigger repository.
    const { stdout: status } = await run('git', ['status', '--porcelain', '--', '.'], options);
    const { stdout: listed } = await run('git', ['ls-files', '-z', '--', '.'], options);
    const tracked = new Set(listed.split('\0'));
    const untracked = files.some((file) => !tracked.has(file));
    return { commit: commit.trim(), dirty: status.trim().length > 0 || untracked };
  } catch {
    return undefined;
  }
}

const versions = new Map<string, Promise<string | undefined>>();

/** `Python 3.11.2` → `3.11.2`; cached per interpreter. */
export function interpreterVersion(command: string): Promise<string | undefined> {
  let known = versions.get(command);
  if (!known) {
    known = run(command, ['--version'], { timeout: 10_000 })
      .then(({ stdout, stderr }) => /(\d+\.\d+\.\d+)/.exec(stdout || stderr)?.[1])
      .catch(() => undefined);
    versions.set(command, known);
  }
  return known;
}
