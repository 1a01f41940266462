/**
 * Runs one function invocation as a child process, confined: a clean environment (the server's
 * own variables never reach user code), its own process group (so a timeout or an abort kills
 * whatever it started), a time limit and a bound on the output read back. The input goes to
 * stdin; the result is read from `resultFd` (stdout for a command, a separate pipe for a module,
 * whose stdout is free for logs).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { hostEnvironment } from '../../runtime/process/host-env.ts';
import { StatesErrorNames, TaskError } from '../asl/index.ts';

/** What is kept of stderr (and a module's stdout) for the error message of a failed run. */
const tailBytes = 4096;

export interface FunctionProcess {
  command: string;
  args: string[];
  /** Variables on top of the clean host environment. */
  env: Record<string, string>;
  input: string;
  /** 1 (stdout) or 3 (a pipe of its own). */
  resultFd: 1 | 3;
  timeoutMs: number;
  maxResultBytes: number;
  /** What the run is called in errors, e.g. `function "add"`. */
  label: string;
  signal: AbortSignal;
}

export interface FunctionExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  result: string;
  /** The last lines of stderr (and of stdout when the result has its own pipe). */
  logTail: string;
}

export function runFunctionProcess(run: FunctionProcess): Promise<FunctionExit> {
  return new Promise((resolvePromise, reject) => {
    const stdio: Array<'pipe' | 'ignore'> =
      run.resultFd === 3 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
    const child = spawn(run.command, run.args, {
      // No GPU unless asked: a function must not take one a training job holds.
      env: hostEnvironment({ CUDA_VISIBLE_DEVICES: '', ...run.env }),
      detached: true,
      stdio,
    });
    let failure: unknown;
    const killGroup = (reason: unknown) => {
      failure ??= reason;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(
      () =>
        killGroup(
          new TaskError(
            StatesErrorNames.Timeout,
            `${run.label} ran longer than ${run.timeoutMs / 1000} s and was stopped`,
          ),
        ),
      run.timeoutMs,
    );
    const onAbort = () => killGroup(run.signal.reason);
    run.signal.addEventListener('abort', onAbort, { once: true });

    const resultStream = child.stdio[run.resultFd] as Readable;
    const chunks: Buffer[] = [];
    let resultBytes = 0;
    resultStream.on('data', (chunk: Buffer) => {
      resultBytes += chunk.length;
      if (resultBytes > run.maxResultBytes) {
        killGroup(
          new TaskError(
            StatesErrorNames.DataLimitExceeded,
            `${run.label} returned more than ${run.maxResultBytes} bytes and was stopped`,
          ),
        );
        resultStream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    let logTail = '';
    const keepTail = (chunk: Buffer) => {
      logTail = (logTail + chunk.toString()).slice(-tailBytes);
    };
    child.stderr!.on('data', keepTail);
    if (run.resultFd === 3) child.stdout!.on('data', keepTail);

    const settle = () => {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      settle();
      reject(new TaskError('Lambda.ServiceException', `cannot run ${run.command}: ${error.message}`));
    });
    // Processes the function left behind end with it (and cannot hold its pipes open).
    child.on('exit', () => killGroup(undefined));
    child.on('close', (code, signal) => {
      settle();
      if (failure !== undefined) return reject(failure);
      resolvePromise({ code, signal, result: Buffer.concat(chunks).toString(), logTail: logTail.trim() });
    });
    child.stdin!.on('error', () => {}); // A function that ignores its input may close stdin early.
    child.stdin!.end(run.input);
  });
}
