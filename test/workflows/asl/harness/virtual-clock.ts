/**
 * A virtual clock: `sleep` registers a timer instead of waiting, and whenever the process is idle
 * (a setImmediate turn with all promise work drained) the earliest timer fires and time jumps to
 * it. Tests therefore never really sleep, timers fire in deterministic order, and a task that
 * "takes" 10 s (clock.sleep(10_000)) loses a race against a 5 s timeout every time.
 */
interface Timer {
  at: number;
  seq: number;
  fire(): void;
}

export class VirtualClock {
  current: number;
  /** Every sleep requested, in ms, in request order (includes timers later cancelled). */
  readonly requested: number[] = [];
  /** Sleeps that ran to completion, in ms, in firing order. */
  readonly elapsed: number[] = [];
  private timers: Timer[] = [];
  private seq = 0;
  private scheduled = false;

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.current = start;
  }

  now = (): number => this.current;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      this.requested.push(ms);
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          this.elapsed.push(ms);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const timer = this.timers.shift() as Timer;
      this.current = Math.max(this.current, timer.at);
      timer.fire();
      if (this.timers.length > 0) this.schedule();
    });
  }
}
