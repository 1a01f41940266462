/** A Slipway killed with SIGKILL while a job runs: after restart the job is never left InProgress. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { processRunning } from '../../src/core/replica.ts';
import { SlipwayClient } from '../../src/sdk/client.ts';
import { startCliServer } from '../helpers/cli.ts';
import { testEngine, tinyImage } from '../helpers/docker.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd, waitForStatus } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';

const home = tempFolder('slipway-restart-');
after(() => home.cleanup());

test('SIGKILL mid-job, then restart: the job ends Failed saying why, and its orphaned process is ended', async () => {
  const token = 'slw_restart-test-token-0123456789';
  const env = {
    // The server's home is its own folder: code beside it may be named, code inside it may not.
    SLIPWAY_HOME: join(home.path, 'home'),
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
  };
  const first = await startCliServer(env);
  const client = new SlipwayClient({ url: first.url, token });
  const code = folderWith(home.path, 'code', {
    'train.sh': 'echo "pid $$"\nwhile true; do sleep 0.1; done\n',
  });
  await client.post('/api/v1/training-jobs', shellJob('survivor', { code }));
  const running = await waitForStatus(
    client,
    'survivor',
    (job) => job.secondaryStatus === 'Training',
    'Training',
  );
  assert.equal(running.trainingJobStatus, 'InProgress');
  // The kill must come after the job has printed its pid, so the test can check the process later.
  await waitFor(async () => {
    const headers = { authorization: `Bearer ${token}` };
    const log = await (await fetch(`${first.url}/api/v1/training-jobs/survivor/logs`, { headers })).text();
    return /pid \d+/.test(log);
  });

  first.child.kill('SIGKILL');
  await once(first.child, 'exit');

  const second = await startCliServer(env);
  try {
    const again = new SlipwayClient({ url: second.url, token });
    const job = await waitForEnd(again, 'survivor');
    assert.equal(job.trainingJobStatus, 'Failed');
    assert.match(job.failureReason, /Slipway restarted while the job was running/);
    const log = await (
      await fetch(`${second.url}/api/v1/training-jobs/survivor/logs`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).text();
    const pid = Number(/pid (\d+)/.exec(log)?.[1]);
    assert.ok(pid > 0, 'the job logged its pid before the kill');
    assert.equal(processRunning(pid), false, 'the orphaned training process was ended');
  } finally {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
});

const engine = await testEngine();

test('SIGKILL mid-job on the docker runtime, then restart: the job is re-attached and completes', {
  skip: engine.skip,
}, async () => {
  const dockerHome = tempFolder('slipway-restart-docker-');
  const token = 'slw_restart-test-token-0123456789';
  const env = {
    SLIPWAY_HOME: join(dockerHome.path, 'home'),
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
  };
  const marker = join(dockerHome.path, 'ml-marker');
  try {
    const first = await startCliServer(env);
    const client = new SlipwayClient({ url: first.url, token });
    // The container waits for a file the test creates after the restart, then writes its model.
    const code = folderWith(dockerHome.path, 'code', {
      'train.sh': `echo waiting\nwhile [ ! -f /opt/ml/input/data/signal/go ]; do sleep 0.2; done\necho done > /opt/ml/model/out.txt\necho "finished loss=0.5"\n`,
    });
    mkdirSync(marker);
    writeFileSync(join(marker, 'placeholder'), '');
    await client.post('/api/v1/training-jobs', {
      trainingJobName: 'reattached',
      algorithmSpecification: {
        trainingImage: tinyImage,
        metricDefinitions: [{ name: 'loss', regex: 'loss=([0-9.]+)' }],
      },
      hyperParameters: { sagemaker_program: 'train.sh', sagemaker_submit_directory: code },
      inputDataConfig: [
        { channelName: 'signal', dataSource: { s3DataSource: { s3Uri: pathToFileURL(marker).href } } },
      ],
    });
    await waitForStatus(client, 'reattached', (job) => job.secondaryStatus === 'Training', 'Training');
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = await startCliServer(env);
    try {
      const again = new SlipwayClient({ url: second.url, token });
      await waitForStatus(
        again,
        'reattached',
        (job) =>
          job.secondaryStatusTransitions.some((t: { statusMessage: string }) =>
            t.statusMessage.startsWith('Re-attached'),
          ),
        're-attached',
      );
      // The channel was copied into the job's /opt/ml/input/data/signal on the host: signal there.
      const hostSignal = join(
        dockerHome.path,
        'home',
        'work',
        'training-jobs',
        'reattached',
        'ml',
        'input',
        'data',
        'signal',
        'go',
      );
      writeFileSync(hostSignal, '');
      const job = await waitForEnd(again, 'reattached');
      assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
      assert.ok(job.modelArtifacts.s3ModelArtifacts.endsWith('reattached/output/model.tar.gz'));
      assert.deepEqual(
        job.finalMetricDataList.map((m: { value: number }) => m.value),
        [0.5],
        'lines after the re-attach are parsed',
      );
    } finally {
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
  } finally {
    dockerHome.cleanup();
  }
});
