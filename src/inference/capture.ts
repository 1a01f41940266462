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
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { Logger } from '../core/logging.ts';
import type { DataCaptureConfig } from '../hosting/types.ts';
import { ChunkPool, LineTemplate, type PayloadKind, PendingLines } from './capture-lines.ts';

const maxBufferedLines = 50_000;
/** Lines that start a write without waiting for the rotation timer. */
const defaultFlushLines = 5_000;

export class CaptureWriter {
  private pending = new Map<string, PendingLines>();
  private readonly chunks = new ChunkPool();
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
  private lastIso = Buffer.alloc(0);
  /** The template used last: an endpoint's requests nearly all have the same content types. */
  private last?: { inputType: string; outputType: string; template: LineTemplate };
  /** Line templates by input and output content type (a handful per endpoint). */
  private readonly templates = new Map<string, LineTemplate>();

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
    const { inputType, outputType } = options;
    if (this.last?.inputType !== inputType || this.last.outputType !== outputType)
      this.last = { inputType, outputType, template: this.template(inputType, outputType) };
    const payloads: Array<Buffer | string> = [];
    if (this.captureInput) payloads.push(options.input);
    if (this.captureOutput) payloads.push(options.output);
    let lines = this.pending.get(options.variant);
    if (!lines) {
      lines = new PendingLines(this.chunks);
      this.pending.set(options.variant, lines);
    }
    lines.append({
      template: this.last.template,
      payloads,
      inferenceTime: this.now(),
      inferenceId: options.inferenceId || undefined,
    });
    this.pendingLines++;
    if (this.pendingLines >= this.flushLines && !this.flushing) void this.flush();
  }

  /** The time as ISO-8601 bytes, formatted once per millisecond (thousands of requests share one). */
  private now(): Buffer {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = Buffer.from(new Date(ms).toISOString(), 'latin1');
    }
    return this.lastIso;
  }

  /** The fixed text of a line with these content types. */
  private template(inputType: string, outputType: string): LineTemplate {
    const key = `${inputType}\u0000${outputType}`;
    let template = this.templates.get(key);
    if (!template) {
      const payloads: PayloadKind[] = [];
      if (this.captureInput)
        payloads.push({
          key: 'endpointInput',
          mode: 'INPUT',
          contentType: inputType,
          encoding: this.encoding(inputType),
        });
      if (this.captureOutput)
        payloads.push({
          key: 'endpointOutput',
          mode: 'OUTPUT',
          contentType: outputType,
          encoding: this.encoding(outputType),
        });
      template = new LineTemplate(payloads);
      if (this.templates.size < 100) this.templates.set(key, template);
    }
    return template;
  }

  /** CSV and JSON stay readable text; anything else is base64, as SageMaker does. */
  private encoding(contentType: string): PayloadKind['encoding'] {
    const type = contentType.split(';')[0]!.trim();
    return this.csvTypes.has(type) ? 'CSV' : this.jsonTypes.has(type) ? 'JSON' : 'BASE64';
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
        // Only after a write that finished: a failed one may not have let go of its stream yet.
        this.chunks.recycle(lines);
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
