/**
 * Requests and replies between the main thread and one ONNX worker through shared memory, instead
 * of one structured-clone message per batch: the main thread copies a request's bytes into a slot,
 * the worker writes the reply into the same slot, and each side hands slot numbers to the other
 * through a single-producer, single-consumer ring of integers.
 *
 * Why: with two cores shared with the load generator, cloning and waking cost the main thread
 * about a tenth of its time, and one wake-up per batch kept the two threads in lock-step (one idle
 * while the other worked). Here a side is woken (by an empty message, the doorbell) only when it
 * has said it is idle; a busy worker picks up requests queued while it ran without any message.
 *
 * A request or reply too large for a slot, or a request when every slot is taken, goes by message
 * instead (the caller's fallback), so slots bound memory but not payload size.
 */

/** Control words, each written by one side only (except the two flags, which use compareExchange). */
const REQUEST_HEAD = 0; // requests pushed (main)
const REQUEST_TAIL = 1; // requests taken (worker)
const REPLY_HEAD = 2; // replies pushed (worker)
const REPLY_TAIL = 3; // replies taken (main)
const WORKER_IDLE = 4; // 1: the worker went back to its event loop and needs a doorbell
const REPLIES_RUNG = 5; // 1: a reply doorbell is on its way to the main thread
const CONTROL_WORDS = 8;
/** Per slot: request [body bytes, content-type bytes, accept bytes]; reply [status, content-type bytes, body bytes]. */
const SLOT_WORDS = 3;

export interface ChannelShape {
  slots: number;
  slotBytes: number;
}

export const defaultChannelShape: ChannelShape = { slots: 256, slotBytes: 8 * 1024 };

export function createChannelMemory(shape: ChannelShape = defaultChannelShape): SharedArrayBuffer {
  const words = CONTROL_WORDS + 2 * shape.slots + SLOT_WORDS * shape.slots;
  const memory = new SharedArrayBuffer(words * 4 + shape.slots * shape.slotBytes);
  // A worker starts idle: the first request rings.
  new Int32Array(memory, 0, CONTROL_WORDS)[WORKER_IDLE] = 1;
  return memory;
}

class ChannelEnd {
  protected readonly control: Int32Array;
  protected readonly requests: Int32Array;
  protected readonly replies: Int32Array;
  protected readonly headers: Int32Array;
  /** The slots' bytes, as a Buffer for its fast latin1/utf8 reads and writes. */
  protected readonly data: Buffer;

  constructor(
    memory: SharedArrayBuffer,
    readonly shape: ChannelShape,
  ) {
    const { slots } = shape;
    this.control = new Int32Array(memory, 0, CONTROL_WORDS);
    this.requests = new Int32Array(memory, CONTROL_WORDS * 4, slots);
    this.replies = new Int32Array(memory, (CONTROL_WORDS + slots) * 4, slots);
    this.headers = new Int32Array(memory, (CONTROL_WORDS + 2 * slots) * 4, SLOT_WORDS * slots);
    const dataStart = (CONTROL_WORDS + 2 * slots + SLOT_WORDS * slots) * 4;
    this.data = Buffer.from(memory, dataStart, slots * shape.slotBytes);
  }

  /** Writes `text` at `at` if it fits in `room` bytes; returns its byte length, or -1. */
  protected writeText(text: string, at: number, room: number, encoding: 'utf8' | 'latin1'): number {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: short texts skip the measuring.
    const bytes =
      encoding === 'latin1' ? text.length : text.length * 3 <= room ? -1 : Buffer.byteLength(text);
    if (bytes > room) return -1;
    return this.data.write(text, at, room, encoding);
  }
}

/** The main thread's end: takes slots, sends requests, collects replies. */
export class MainEnd extends ChannelEnd {
  private readonly free: number[] = [];

  constructor(memory: SharedArrayBuffer, shape: ChannelShape = defaultChannelShape) {
    super(memory, shape);
    for (let slot = shape.slots - 1; slot >= 0; slot--) this.free.push(slot);
  }

  /**
   * Queues a request in a free slot and returns the slot, or -1 when none is free or it does not
   * fit (the caller sends it by message). `ring` is called when the worker needs waking.
   */
  send(body: Buffer, contentType: string, accept: string, ring: () => void): number {
    const room = this.shape.slotBytes;
    if (this.free.length === 0 || body.length + contentType.length + accept.length > room) return -1;
    const slot = this.free.pop()!;
    const at = slot * room;
    body.copy(this.data, at);
    this.data.write(contentType, at + body.length, 'latin1');
    this.data.write(accept, at + body.length + contentType.length, 'latin1');
    const header = slot * SLOT_WORDS;
    this.headers[header] = body.length;
    this.headers[header + 1] = contentType.length;
    this.headers[header + 2] = accept.length;
    const head = this.control[REQUEST_HEAD]!;
    this.requests[head % this.shape.slots] = slot;
    // The atomic store publishes the slot's bytes to the worker (it reads the head atomically).
    Atomics.store(this.control, REQUEST_HEAD, head + 1);
    if (
      Atomics.load(this.control, WORKER_IDLE) === 1 &&
      Atomics.compareExchange(this.control, WORKER_IDLE, 1, 0) === 1
    )
      ring();
    return slot;
  }

  /** Calls `visit` for every reply waiting; the slot is free again once `visit` returns. */
  receive(visit: (slot: number, status: number, contentType: string, body: string) => void): void {
    // Cleared before reading, so a reply pushed from here on rings again.
    Atomics.store(this.control, REPLIES_RUNG, 0);
    let tail = this.control[REPLY_TAIL]!;
    const head = Atomics.load(this.control, REPLY_HEAD);
    const room = this.shape.slotBytes;
    while (tail !== head) {
      const slot = this.replies[tail % this.shape.slots]!;
      const header = slot * SLOT_WORDS;
      const status = this.headers[header]!;
      const typeBytes = this.headers[header + 1]!;
      const bodyBytes = this.headers[header + 2]!;
      const at = slot * room;
      const contentType = this.data.toString('latin1', at, at + typeBytes);
      const body = this.data.toString('utf8', at + typeBytes, at + typeBytes + bodyBytes);
      tail++;
      this.free.push(slot);
      visit(slot, status, contentType, body);
    }
    Atomics.store(this.control, REPLY_TAIL, tail);
  }

  /** Frees a slot whose reply came by message instead. */
  release(slot: number): void {
    this.free.push(slot);
  }
}

export interface SlotRequest {
  slot: number;
  body: string;
  contentType: string;
  accept: string;
}

/** The worker's end: takes requests, writes replies. */
export class WorkerEnd extends ChannelEnd {
  /** Replies written, published or not (this side is the ring's only writer). */
  private replyHead = 0;

  /** Every request queued now; marks the worker idle (wanting a doorbell) when there is none. */
  take(): SlotRequest[] {
    const taken: SlotRequest[] = [];
    let tail = this.control[REQUEST_TAIL]!;
    let head = Atomics.load(this.control, REQUEST_HEAD);
    if (tail === head) {
      Atomics.store(this.control, WORKER_IDLE, 1);
      // Checked again after saying so: a request pushed in between would otherwise wait for a
      // doorbell the main thread did not send (it read the flag before we set it).
      head = Atomics.load(this.control, REQUEST_HEAD);
      if (tail === head) return taken;
      Atomics.store(this.control, WORKER_IDLE, 0);
    }
    const room = this.shape.slotBytes;
    while (tail !== head) {
      const slot = this.requests[tail % this.shape.slots]!;
      const header = slot * SLOT_WORDS;
      const bodyBytes = this.headers[header]!;
      const typeBytes = this.headers[header + 1]!;
      const acceptBytes = this.headers[header + 2]!;
      const at = slot * room;
      taken.push({
        slot,
        body: this.data.toString('utf8', at, at + bodyBytes),
        contentType: this.data.toString('latin1', at + bodyBytes, at + bodyBytes + typeBytes),
        accept: this.data.toString(
          'latin1',
          at + bodyBytes + typeBytes,
          at + bodyBytes + typeBytes + acceptBytes,
        ),
      });
      tail++;
    }
    Atomics.store(this.control, REQUEST_TAIL, tail);
    return taken;
  }

  /**
   * Writes a reply into its request's slot and hands it back; false when it does not fit (the
   * caller sends it by message, and the slot stays with the main thread to free). The main thread
   * sees it after `publish`.
   */
  reply(slot: number, status: number, contentType: string, body: string): boolean {
    const room = this.shape.slotBytes;
    const at = slot * room;
    const typeBytes = this.writeText(contentType, at, room, 'latin1');
    if (typeBytes < 0) return false;
    const bodyBytes = this.writeText(body, at + typeBytes, room - typeBytes, 'utf8');
    if (bodyBytes < 0) return false;
    const header = slot * SLOT_WORDS;
    this.headers[header] = status;
    this.headers[header + 1] = typeBytes;
    this.headers[header + 2] = bodyBytes;
    this.replies[this.replyHead % this.shape.slots] = slot;
    this.replyHead++;
    return true;
  }

  /**
   * Hands the replies written since the last call to the main thread, ringing it unless a ring is
   * already on its way: once per batch, so the main thread wakes once for all of them.
   */
  publish(ring: () => void): void {
    if (this.replyHead === this.control[REPLY_HEAD]) return;
    Atomics.store(this.control, REPLY_HEAD, this.replyHead);
    if (Atomics.compareExchange(this.control, REPLIES_RUNG, 0, 1) === 0) ring();
  }
}
