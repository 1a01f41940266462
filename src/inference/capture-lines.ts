/**
 * Captured lines, written as UTF-8 bytes straight into chunks outside the JavaScript heap. Under
 * load this runs once per request on the HTTP thread, so a line is never built as a string: the
 * fixed text around the payloads is encoded once per content type, and an ASCII payload (CSV and
 * JSON of numbers and labels, nearly always) is JSON-escaped byte by byte into the chunk. Any other
 * payload takes the general path (decode, `JSON.stringify`, encode), which gives the same text.
 *
 * Waiting lines stay bytes because thousands of them wait for each write: as strings they would
 * outlive young-generation collections and be copied and marked again and again.
 */
import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';

/** Chunks of captured bytes are this large (a longer line gets a chunk of its own size). */
const chunkBytes = 256 * 1024;

/** The JSON escape of each ASCII code (0: the byte stands for itself), as JSON.stringify writes it. */
const escapes: Array<string | 0> = Array.from({ length: 128 }, (_, code) => {
  const escaped = JSON.stringify(String.fromCharCode(code)).slice(1, -1);
  return escaped.length === 1 ? 0 : escaped;
});
const needsEscape = Uint8Array.from(escapes, (sequence) => (sequence === 0 ? 0 : 1));
/** The most bytes one payload byte or UTF-16 unit can become (see boundOf). */
const maxEscapeBytes = 6;

/** A payload in a line: what it is, and how it is written. */
export interface PayloadKind {
  key: 'endpointInput' | 'endpointOutput';
  mode: 'INPUT' | 'OUTPUT';
  contentType: string;
  /** CSV and JSON stay readable text (JSON-escaped); anything else is base64, as SageMaker does. */
  encoding: 'CSV' | 'JSON' | 'BASE64';
}

/**
 * The fixed text of a line for one combination of payload kinds, as the bytes between payloads:
 * a line is written as five or so copies plus the payloads' own bytes.
 */
export class LineTemplate {
  /** `between[i]` comes before payload i; the last one comes after the last payload. */
  readonly between: Buffer[];
  readonly text: boolean[];

  constructor(payloads: PayloadKind[]) {
    const parts: string[] = [];
    let pending = '{"captureData":{';
    payloads.forEach((payload, i) => {
      if (i > 0) pending += ',';
      parts.push(
        `${pending}"${payload.key}":{"observedContentType":${JSON.stringify(payload.contentType)},"mode":"${payload.mode}","data":"`,
      );
      pending = `","encoding":"${payload.encoding}"}`;
    });
    parts.push(`${payloads.length > 0 ? pending : '{"captureData":{'}},"eventMetadata":{"eventId":"`);
    this.between = parts.map((part) => Buffer.from(part));
    this.text = payloads.map((payload) => payload.encoding !== 'BASE64');
  }
}

/** One line's variable parts. */
export interface LineParts {
  template: LineTemplate;
  /** In the template's order. */
  payloads: Array<Buffer | string>;
  /** ISO-8601, as bytes (one per millisecond, shared by the lines of that millisecond). */
  inferenceTime: Buffer;
  inferenceId?: string;
}

const inferenceTimeKey = Buffer.from('","inferenceTime":"');
const inferenceIdKey = Buffer.from('","inferenceId":');
const closeLine = Buffer.from('},"eventVersion":"0"}\n');
const closeQuote = Buffer.from('"');
/** The constant parts above, all together, with room to spare. */
const fixedBytes = 64;

/**
 * Chunks whose lines have been written, kept for the next lines. Fresh ones would cost more than
 * their allocation: V8 counts the bytes of new array buffers towards its next full collection, and
 * a busy endpoint captures megabytes a second (measured: a mark-compact of the whole heap every
 * second under load, none with capture off).
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  /** `keep`: the most chunks kept unused (a few writes' worth). */
  constructor(private readonly keep = 16) {}

  take(bytes: number): Buffer {
    if (bytes <= chunkBytes && this.free.length > 0) return this.free.pop()!;
    return Buffer.allocUnsafe(Math.max(chunkBytes, bytes));
  }

  /** Takes back the chunks of lines that have been written (and are no longer read). */
  recycle(lines: PendingLines): void {
    for (const chunk of lines.chunks) {
      if (chunk.length === chunkBytes && this.free.length < this.keep) this.free.push(chunk);
    }
  }
}

/** One variant's lines waiting to be written. */
export class PendingLines {
  /** Every chunk, whole; all but the last are filled up to `filled`. */
  readonly chunks: Buffer[];
  private readonly filled: number[] = [];
  private current: Buffer;
  private used = 0;
  lines = 0;

  constructor(private readonly pool: ChunkPool) {
    this.current = pool.take(chunkBytes);
    this.chunks = [this.current];
  }

  append(parts: LineParts): void {
    this.reserve(boundOf(parts));
    const chunk = this.current;
    const { between, text } = parts.template;
    let at = this.used;
    for (let i = 0; i < parts.payloads.length; i++) {
      at = put(chunk, at, between[i]!);
      at = writePayload(chunk, at, parts.payloads[i]!, text[i]!);
    }
    at = put(chunk, at, between[parts.payloads.length]!);
    at = writeRandomUuid(chunk, at);
    at = put(chunk, at, inferenceTimeKey);
    at = put(chunk, at, parts.inferenceTime);
    if (parts.inferenceId !== undefined) {
      at = put(chunk, at, inferenceIdKey);
      at += chunk.write(JSON.stringify(parts.inferenceId), at, 'utf8');
    } else at = put(chunk, at, closeQuote);
    at = put(chunk, at, closeLine);
    this.used = at;
    this.lines++;
  }

  /** Makes room for `bytes` more in the current chunk, starting a new one when needed. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.current.length) return;
    this.filled.push(this.used);
    this.current = this.pool.take(bytes);
    this.chunks.push(this.current);
    this.used = 0;
  }

  /**
   * The lines as a stream of their chunks: no copy into one buffer, and a store that hashes what
   * it writes (the file store does) hashes a chunk per turn instead of blocking on megabytes.
   */
  stream(): Readable {
    const lengths = [...this.filled, this.used];
    return Readable.from(this.chunks.map((chunk, i) => chunk.subarray(0, lengths[i])));
  }
}

/**
 * The most bytes a line can take. A payload byte or UTF-16 unit becomes at most 6 bytes: an escape
 * (`\u001f`, or a lone surrogate's `\udc00`), a character's UTF-8 (3 at most), U+FFFD for an invalid
 * byte (3), or base64 (4 per 3).
 */
function boundOf(parts: LineParts): number {
  let bytes = fixedBytes + uuidBytes + parts.inferenceTime.length;
  for (const part of parts.template.between) bytes += part.length;
  for (const payload of parts.payloads) bytes += payload.length * maxEscapeBytes;
  return bytes + (parts.inferenceId?.length ?? 0) * maxEscapeBytes;
}

function writePayload(chunk: Buffer, at: number, data: Buffer | string, text: boolean): number {
  if (!text) {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return at + chunk.write(bytes.toString('base64'), at, 'latin1');
  }
  const end =
    typeof data === 'string' ? escapeAsciiString(chunk, at, data) : escapeAsciiBytes(chunk, at, data);
  if (end >= 0) return end;
  // Not all ASCII: what JSON.stringify makes of the decoded text (invalid UTF-8 decodes to U+FFFD).
  const decoded = typeof data === 'string' ? data : data.toString('utf8');
  return at + chunk.write(JSON.stringify(decoded).slice(1, -1), at, 'utf8');
}

/** Writes the JSON escape of ASCII bytes at `at`; returns where it ended, or -1 at a non-ASCII byte. */
function escapeAsciiBytes(chunk: Buffer, at: number, data: Buffer): number {
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte >= 0x80) return -1;
    if (needsEscape[byte] === 0) chunk[at++] = byte;
    else at = writeEscape(chunk, at, byte);
  }
  return at;
}

/** The same for a string's UTF-16 units. */
function escapeAsciiString(chunk: Buffer, at: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    const code = data.charCodeAt(i);
    if (code >= 0x80) return -1;
    if (needsEscape[code] === 0) chunk[at++] = code;
    else at = writeEscape(chunk, at, code);
  }
  return at;
}

/** Byte by byte: a native write per escape would cost more than the whole line (JSON has many quotes). */
function writeEscape(chunk: Buffer, at: number, code: number): number {
  const sequence = escapes[code] as string;
  for (let i = 0; i < sequence.length; i++) chunk[at++] = sequence.charCodeAt(i);
  return at;
}

/** Copies `bytes` in at `at`; returns where they end (TypedArray#set: Buffer#copy adds a JS layer). */
function put(chunk: Buffer, at: number, bytes: Buffer): number {
  chunk.set(bytes, at);
  return at + bytes.length;
}

const uuidBytes = 36;
/** Random bytes for event ids, drawn 16 at a time and refilled 256 ids at a time. */
const randomPool = Buffer.alloc(16 * 256);
let randomAt = randomPool.length;
const hexDigits = Buffer.from('0123456789abcdef');

/**
 * Writes a random (version 4) UUID as text: what `randomUUID()` makes, without a string to
 * allocate and encode per line.
 */
function writeRandomUuid(chunk: Buffer, at: number): number {
  if (randomAt === randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  const from = randomAt;
  randomAt += 16;
  randomPool[from + 6] = (randomPool[from + 6]! & 0x0f) | 0x40;
  randomPool[from + 8] = (randomPool[from + 8]! & 0x3f) | 0x80;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) chunk[at++] = 0x2d; // '-'
    const byte = randomPool[from + i]!;
    chunk[at++] = hexDigits[byte >> 4]!;
    chunk[at++] = hexDigits[byte & 0x0f]!;
  }
  return at;
}
