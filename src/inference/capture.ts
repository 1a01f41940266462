/**
 * Data capture in SageMaker's format: one JSON line per sampled request with endpointInput /
 * endpointOutput ({observedContentType, mode, data, encoding}) and eventMetadata ({eventId,
 * inferenceTime}). Lines are buffered in memory and written as one object per rotation period under
 * <destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/, and sooner when `flushLines` are waiting (under
 * load a rotation period holds far more lines than the buffer). Capture never blocks or fails a
 * request: a failed write is logged and counted, and the buffer is bounded (lines are dropped, and
 * counted, only while the store cannot keep up).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { Logger } from '../core/logging.ts';
import type { DataCaptureConfig } from '../hosting/types.ts';

const maxBufferedLines = 50_000;
/** Lines that start a write without waiting for the rotation timer. */
const defaultFlushLines = 5_000;

/** Chunks of captured bytes are this large (a longer line gets a chunk of its own size). */
const chunkBytes = 256 * 1024;

/**
 * One variant's lines waiting to be written, as UTF-8 bytes outside the JavaScript heap: under
 * load thousands of lines wait for each write, and as strings they would outlive young-generation
 * collections and be copied and marked again and again.
 */
class PendingLines {
  readonly full: Buffer[] = [];
  current = Buffer.allocUnsafe(chunkBytes);
  used = 0;
  lines = 0;

  append(line: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit, plus the newline.
    const room = line.length * 3 + 1;
    if (this.used + room > this.current.length) {
      if (this.used > 0) this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(chunkBytes, room));
      this.used = 0;
    }
    this.used += this.current.write(line, this.used);
    this.current[this.used++] = 0x0a;
    this.lines++;
  }

  /**
   * The lines as a stream of their chunks: no copy into one buffer, and a store that hashes what
   * it writes (the file store does) hashes a chunk per turn instead of blocking on megabytes.
   */
  stream(): Readable {
    return Readable.from([...this.full, this.current.subarray(0, this.used)]);
  }
}

export class CaptureWriter {
  private pending = new Map<string, PendingLines>();
  /** Lines in `pending`, all variants together. */
  private pendingLines = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  dropped = 0;
  written = 0;
  failures = 0;
  private readonly csvTypes: Set<string>;
  private readonly jsonTypes: Set<string>;
  private readonly captureInput: boolean;
  private readonly captureOutput: boolean;
  private readonly flushLines: number;
  private lastMs = 0;
  private lastIso = '';
  /** The text around a payload, by mode and content type (a handful per endpoint). */
  private readonly shapes = new Map<string, { text: boolean; prefix: string; suffix: string }>();

  constructor(
    private readonly options: {
      endpointName: string;
      config: DataCaptureConfig;
      store: ArtifactStore;
      logger: Logger;
      random?: () => number;
      /** Lines that start a write before the rotation period ends (tests make it small). */
      flushLines?: number;
    },
  ) {
    this.flushLines = options.flushLines ?? defaultFlushLines;
    const header = options.config.captureContentTypeHeader;
    this.csvTypes = new Set(header?.csvContentTypes ?? ['text/csv']);
    this.jsonTypes = new Set(header?.jsonContentTypes ?? ['application/json', 'application/jsonlines']);
    this.captureInput = options.config.captureOptions.some((o) => o.captureMode === 'Input');
    this.captureOutput = options.config.captureOptions.some((o) => o.captureMode === 'Output');
    this.timer = setInterval(() => void this.flush(), (options.config.rotationSeconds ?? 60) * 1000);
    this.timer.unref();
  }

  /** Decides per request, before the work, whether it is sampled. */
  sampled(): boolean {
    if (this.options.config.enableCapture === false) return false;
    return (this.options.random ?? Math.random)() * 100 < this.options.config.initialSamplingPercentage;
  }

  record(options: {
    variant: string;
    input: Buffer;
    inputType: string;
    output: Buffer | string;
    outputType: string;
    inferenceId?: string;
  }): void {
    if (this.pendingLines >= maxBufferedLines) {
      this.dropped++;
      return;
    }
    // Built as text: this runs on the request path, and object spreads plus a full stringify cost
    // more than quoting the two payloads into prefixes made once per content type.
    let line = '{"captureData":{';
    if (this.captureInput)
      line += `"endpointInput":${this.encode(options.input, options.inputType, 'INPUT')}`;
    if (this.captureOutput) {
      if (this.captureInput) line += ',';
      line += `"endpointOutput":${this.encode(options.output, options.outputType, 'OUTPUT')}`;
    }
    const inferenceId = options.inferenceId ? `,"inferenceId":${JSON.stringify(options.inferenceId)}` : '';
    line += `},"eventMetadata":{"eventId":"${randomUUID()}","inferenceTime":"${this.now()}"${inferenceId}},"eventVersion":"0"}`;
    let lines = this.pending.get(options.variant);
    if (!lines) {
      lines = new PendingLines();
      this.pending.set(options.variant, lines);
    }
    lines.append(line);
    this.pendingLines++;
    if (this.pendingLines >= this.flushLines && !this.flushing) void this.flush();
  }

  /** The time as ISO-8601, formatted once per millisecond (thousands of requests share one). */
  private now(): string {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  /** CSV and JSON stay readable text; anything else is base64, as SageMaker does. As JSON text. */
  private encode(data: Buffer | string, contentType: string, mode: 'INPUT' | 'OUTPUT'): string {
    const key = `${mode}\u0000${contentType}`;
    let shape = this.shapes.get(key);
    if (!shape) {
      const type = contentType.split(';')[0]!.trim();
      const encoding = this.csvTypes.has(type) ? 'CSV' : this.jsonTypes.has(type) ? 'JSON' : 'BASE64';
      shape = {
        text: encoding !== 'BASE64',
        prefix: `{"observedContentType":${JSON.stringify(contentType)},"mode":"${mode}","data":`,
        suffix: `,"encoding":"${encoding}"}`,
      };
      if (this.shapes.size < 100) this.shapes.set(key, shape);
    }
    const payload = shape.text
      ? typeof data === 'string'
        ? data
        : data.toString('utf8')
      : (typeof data === 'string' ? Buffer.from(data) : data).toString('base64');
    return shape.prefix + JSON.stringify(payload) + shape.suffix;
  }

  /** Writes what is buffered: one object per variant. Concurrent calls share one write. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pendingLines === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.pendingLines = 0;
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
      // Lines that piled up during the write go now rather than at the next rotation.
      if (this.pendingLines >= this.flushLines) void this.flush();
    });
    return this.flushing;
  }

  private async write(batch: Map<string, PendingLines>): Promise<void> {
    const now = new Date();
    const hourPath = [
      now.getUTCFullYear(),
      String(now.getUTCMonth() + 1).padStart(2, '0'),
      String(now.getUTCDate()).padStart(2, '0'),
      String(now.getUTCHours()).padStart(2, '0'),
    ].join('/');
    for (const [variant, lines] of batch) {
      const stamp = `${String(now.getUTCMinutes()).padStart(2, '0')}-${String(now.getUTCSeconds()).padStart(2, '0')}-${String(now.getUTCMilliseconds()).padStart(3, '0')}`;
      const key = `${this.options.endpointName}/${variant}/${hourPath}/${stamp}-${randomUUID()}.jsonl`;
      try {
        await this.options.store.put(key, lines.stream());
        this.written += lines.lines;
      } catch (error) {
        this.failures++;
        this.options.logger.warn(
          { err: error, endpoint: this.options.endpointName },
          'data capture write failed; lines dropped',
        );
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.flushing;
  }
}
