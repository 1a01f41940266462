/**
 * Follows a container's output and hands it on line by line. Docker multiplexes stdout and stderr
 * into one stream (8-byte frame headers) when the container has no TTY; docker-modem's demuxStream
 * splits them again, in the order the engine sent them.
 *
 * This attaches to the container's output (as `docker run` does) rather than following its log:
 * a followed log ends when the container stops, sometimes before the engine has logged a last line
 * that has no newline, which was then lost (seen about one run in four here). Attached output
 * comes straight from the container's pipes and ends when they close, so nothing is missed.
 * Attaching before start gets every line; attaching to a running container (a re-attach after a
 * restart) gets what it prints from then on, as the log with `since: now` would.
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
  onLog: RunSpec['onLog'],
): Promise<FollowedLogs> {
  const stream = (await container.attach({
    stream: true,
    stdout: true,
    stderr: true,
  })) as NodeJS.ReadableStream & { destroy?: () => void };
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
