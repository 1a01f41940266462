/** A run's git record is true to the code: clean only when the commit holds exactly the files hashed. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import { describeSource } from '../../src/experiments/source-info.ts';
import { tempFolder } from '../helpers/temp.ts';

const work = tempFolder('slipway-source-info-');
const artifacts = new Artifacts({
  defaultUrl: pathToFileURL(join(work.path, 'artifacts')).href,
  s3Region: 'us-east-1',
});
after(() => {
  artifacts.close();
  work.cleanup();
});

const repo = join(work.path, 'repo');
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });

test('tracked and clean, then modified, then code in an ignored folder', async () => {
  mkdirSync(join(repo, 'code'), { recursive: true });
  mkdirSync(join(repo, 'scratch'), { recursive: true });
  writeFileSync(join(repo, 'code', 'train.py'), 'print("v1")\n');
  writeFileSync(join(repo, 'scratch', 'train.py'), 'print("not committed")\n');
  writeFileSync(join(repo, '.gitignore'), 'scratch/\n');
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'first');
  const head = git('rev-parse', 'HEAD').toString().trim();
  const source = (folder: string) => describeSource(artifacts, pathToFileURL(join(repo, folder)).href);

  assert.deepEqual((await source('code'))!.git, { commit: head, dirty: false });
  assert.deepEqual(
    (await source('scratch'))!.git,
    { commit: head, dirty: true },
    'the commit does not hold code in an ignored folder',
  );
  writeFileSync(join(repo, 'code', 'train.py'), 'print("v2")\n');
  assert.deepEqual((await source('code'))!.git, { commit: head, dirty: true });
});
