/**
 * The Docker engine for tests. Docker tests run against a real dockerd with images built locally by
 * `.ci/docker-images.sh`. Outside CI an unreachable engine skips them with the reason shown; in CI
 * (CI set) it fails the run instead, so a broken engine can never pass as green.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { runIdLabel } from '../../src/runtime/docker/container-options.ts';

export const tinyImage = 'slipway-test/tiny';

const imagesScript = fileURLToPath(new URL('../../.ci/docker-images.sh', import.meta.url));

export interface TestEngine {
  docker: Docker;
  /** Set when the Docker tests must be skipped (never in CI). */
  skip?: string;
  /** Whether the engine can run GPU device requests (an NVIDIA runtime is installed). */
  nvidia: boolean;
}

export async function testEngine(): Promise<TestEngine> {
  const docker = new Docker();
  const unusable = await problem(docker);
  if (unusable && process.env.CI) {
    throw new Error(`CI must run the Docker tests, but ${unusable} (.ci/run starts dockerd)`);
  }
  if (unusable) return { docker, skip: `${unusable}; start dockerd as ENVIRONMENT.md says`, nvidia: false };
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  return { docker, nvidia: Boolean(info.Runtimes?.nvidia) };
}

/** Why the engine cannot run the tests, or undefined when it can. */
async function problem(docker: Docker): Promise<string | undefined> {
  try {
    await docker.ping();
  } catch (error) {
    return `the Docker engine is unreachable (${(error as Error).message})`;
  }
  try {
    await docker.getImage(tinyImage).inspect();
  } catch {
    // The script is idempotent and builds the tiny image in about a second.
    try {
      execFileSync('bash', [imagesScript], { stdio: 'pipe' });
    } catch (error) {
      return `${imagesScript} failed: ${(error as { stderr?: Buffer }).stderr ?? (error as Error).message}`;
    }
  }
  return undefined;
}

/** Removes the containers a test file left behind (a failed test must not leak running ones). */
export async function removeRunContainers(docker: Docker, idPrefix: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [runIdLabel] } });
  for (const container of containers) {
    if (container.Labels[runIdLabel]?.startsWith(idPrefix)) {
      await docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => {});
    }
  }
}

/** Whether a container of this name exists (in any state). */
export async function containerExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getContainer(name).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}
