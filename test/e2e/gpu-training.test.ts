/**
 * Training on a real NVIDIA GPU with PyTorch (skipped where there is none: CI has no GPU).
 * test/training/training-jobs.test.ts checks the inventory logic everywhere with a configured list;
 * this one checks, on real hardware, that a job sees exactly the GPU it was handed, trains on it,
 * and that a job finding every GPU taken waits Pending until one is free.
 *
 * To run it on a GPU machine without Node.js installed, see scripts/gpu-bundle.sh.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { describe, folderWith, waitForEnd } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';

function gpuIndices(): number[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], {
      encoding: 'utf8',
    });
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** A Python that imports torch and sees CUDA, if there is one. */
function torchPython(): string | undefined {
  for (const python of [process.env.SLIPWAY_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue;
    try {
      execFileSync(python, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'], {
        stdio: 'ignore',
      });
      return python;
    } catch {}
  }
  return undefined;
}

const gpus = gpuIndices();
const python = gpus.length > 0 ? torchPython() : undefined;
const skip =
  gpus.length === 0 ? 'no NVIDIA GPU here' : python ? false : 'no Python with CUDA-enabled PyTorch here';

// Holds its GPU until the test writes the release file, so the jobs' GPU use overlaps.
const trainPy = `
import argparse, json, os, time
import torch

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=200)
parser.add_argument("--release", type=str)
args = parser.parse_args()

assert torch.cuda.device_count() == 1, f"sees {torch.cuda.device_count()} GPUs"
print(f"visible={os.environ['CUDA_VISIBLE_DEVICES']} count={os.environ['SM_NUM_GPUS']} device={torch.cuda.get_device_name(0)}", flush=True)
torch.manual_seed(0)
x = torch.randn(4096, 16, device="cuda")
y = (x[:, 0] + 0.5 * x[:, 1] > 0).float()
model = torch.nn.Linear(16, 1).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(args.steps):
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(1), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0 or step == args.steps - 1:
        print(f"step={step} train_loss={loss.item():.5f}", flush=True)
while not os.path.exists(args.release):
    time.sleep(0.05)
torch.save(model.state_dict(), os.path.join(os.environ["SM_MODEL_DIR"], "model.pt"))
`;

suite('training on a real GPU', { skip }, () => {
  let slipway: TestSlipway;
  const work = tempFolder('slipway-gpu-');

  before(async () => {
    slipway = await startTestSlipway({ config: { gpus, python } });
  });
  after(async () => {
    await slipway?.cleanup();
    work.cleanup();
  });

  test('each job trains on its own GPU; one more job waits Pending until a GPU is free', async (t) => {
    const release = join(work.path, 'release');
    const code = folderWith(work.path, 'torch-code', { 'train.py': trainPy });
    const names = [...gpus.map((index) => `gpu-job-${index}`), 'gpu-job-waiting'];
    for (const name of names) {
      await slipway.client().post('/api/v1/training-jobs', {
        trainingJobName: name,
        algorithmSpecification: {
          metricDefinitions: [{ name: 'train:loss', regex: 'train_loss=([0-9.]+)' }],
        },
        hyperParameters: {
          sagemaker_program: 'train.py',
          sagemaker_submit_directory: code,
          steps: '200',
          release,
        },
        resourceConfig: { gpuCount: 1 },
      });
    }
    const running = await waitFor(async () => {
      const jobs = await Promise.all(names.map((name) => describe(slipway.client(), name)));
      const training = jobs.filter((job) => job.secondaryStatus === 'Training');
      const pending = jobs.filter((job) => job.secondaryStatus === 'Pending');
      return training.length === gpus.length && pending.length === 1 ? training : undefined;
    });
    const assigned = running.map((job) => job.resourceConfig.assignedGpus[0]).sort((a, b) => a - b);
    assert.deepEqual(assigned, gpus);
    writeFileSync(release, '');
    for (const name of names) {
      const job = await waitForEnd(slipway.client(), name);
      assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
      const logs = await (
        await fetch(`${slipway.url}/api/v1/training-jobs/${name}/logs`, {
          headers: { authorization: `Bearer ${slipway.adminToken}` },
        })
      ).text();
      assert.match(logs, new RegExp(`visible=${job.resourceConfig.assignedGpus[0]} count=1 device=NVIDIA`));
      const losses = [...logs.matchAll(/train_loss=([0-9.]+)/g)].map((m) => Number(m[1]));
      assert.ok(losses.at(-1)! < losses[0] / 2, `loss fell on the GPU: ${losses.join(' → ')}`);
      t.diagnostic(`${name}: ${logs.match(/visible=.*/)![0]}, loss ${losses.join(' → ')}`);
    }
  });
});
