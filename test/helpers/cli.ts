/** Runs the real `slipway` command as a child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const slipwayBin = join(import.meta.dirname, '..', '..', 'bin', 'slipway.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [slipwayBin, ...args], { env: { ...cleanEnv(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `slipway up` and resolves with its URL once it prints it. */
export function startCliServer(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [slipwayBin, 'up'], { env: { ...cleanEnv(), ...env } });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /Slipway is up at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`slipway up exited with ${code}: ${output}`)));
  });
}

/** The test's environment without SLIPWAY_* settings that would leak into the child. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SLIPWAY_')) env[key] = value;
  return env;
}
