/**
 * Follows a container's output and hands it on line by line. Docker multiplexes stdout and stderr
 * into one stream (8-byte frame headers) when the container has no TTY; docker-modem's demuxStream
 * splits them again, in the order the engine recorded them.
 */
import type { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { RunSpec } from '../runtime.ts';
import { lineSplitter } from '../runtime.ts';

export interface FollowedLogs {
  /** Resolves when the engine closes the stream (it does once the container stops). */
  readonly ended: Promise<void>;
  /** Gives up on the stream, flushing partial lines; for when the engine never closes it. */
  close(): void;
}

export async function followLogs(
  docker: Docker,
  container: Docker.Container,
  options: { since?: number; onLog?: RunSpec['onLog'] },
): Promise<FollowedLogs> {
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    // Seconds with a fraction: the engine parses `seconds.nanoseconds`, so a re-attach gets only
    // what was printed after it, not a replay of lines the caller already has.
    ...(options.since !== undefined ? { since: options.since } : {}),
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  const onLog = options.onLog;
  const stdout = lineSplitter((line) => onLog?.(line, 'stdout'));
  const stderr = lineSplitter((line) => onLog?.(line, 'stderr'));
  docker.modem.demuxStream(
    stream,
    lineSink((chunk) => stdout.push(chunk)),
    lineSink((chunk) => stderr.push(chunk)),
  );
  let finished = false;
  const ended = new Promise<void>((resolve) => {
    const finish = () => {
      if (finished) return;
      finished = true;
      stdout.flush();
      stderr.flush();
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    // A broken log connection must not keep the run from ending; its exit comes from wait.
    stream.on('error', finish);
  });
  return {
    ended,
    close() {
      stream.destroy?.();
    },
  };
}

/**
 * demuxStream only ever calls `write`. A real Writable would queue chunks behind its own callbacks,
 * so a partial last line could still be queued when the stream ends and its lines are flushed.
 */
function lineSink(push: (chunk: Buffer) => void): Writable {
  const sink = {
    write(chunk: Buffer) {
      push(chunk);
      return true;
    },
  };
  return sink as unknown as Writable;
}
