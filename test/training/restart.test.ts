/** A Slipway killed with SIGKILL while a job runs: after restart the job is never left InProgress. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { processRunning } from '../../src/core/replica.ts';
import { SlipwayClient } from '../../src/sdk/client.ts';
import { startCliServer } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd, waitForStatus } from '../helpers/training.ts';

const home = tempFolder('slipway-restart-');
after(() => home.cleanup());

test('SIGKILL mid-job, then restart: the job ends Failed saying why, and its orphaned process is ended', async () => {
  const token = 'slw_restart-test-token-0123456789';
  const env = {
    SLIPWAY_HOME: home.path,
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
