/**
 * The trust mode: who the server trusts with the host. `single-user` is the laptop default: the
 * person holding the admin token is the only user, and their own folders (home, temp, the folder
 * the server started in) may be named as file:// URIs. `team` is in force as soon as someone else
 * can reach the server — a non-admin token exists or it listens beyond loopback — and then only
 * the artifact store and the configured data roots can be named. An admin may pin either mode in
 * config (`trustMode`); `auto` derives it and re-derives it whenever tokens change.
 *
 * The mode also says where user code runs. In single-user mode the process runtime runs it as the
 * server's user. In team mode it runs in a container (the image the request names, else
 * `teamImage`), which sees its job folder and its own environment only; the process runtime is
 * refused unless an admin sets `allowProcessRuntime`.
 */
import { isLoopback } from './config.ts';
import { invalid } from './errors.ts';

export type TrustModeName = 'single-user' | 'team';

export interface TrustModeSetting {
  trustMode: 'auto' | TrustModeName;
  host: string;
  /** The image team mode runs user code in when a request names none. */
  teamImage?: string;
  /** Team mode may still run user code on the host, as the server's user. */
  allowProcessRuntime: boolean;
}

/** Answers whether any live token other than an admin's exists (read from the store). */
export type NonAdminTokenProbe = () => Promise<boolean>;

/** How often a replica re-reads the tokens, so one created on another replica is seen. */
const refreshMs = 15_000;

export class TrustMode {
  private mode: TrustModeName;
  private why: string;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly setting: TrustModeSetting,
    private readonly probe: NonAdminTokenProbe,
  ) {
    this.mode = setting.trustMode === 'auto' ? 'team' : setting.trustMode;
    this.why = 'not yet derived';
  }

  static async start(setting: TrustModeSetting, probe: NonAdminTokenProbe): Promise<TrustMode> {
    const mode = new TrustMode(setting, probe);
    await mode.refresh();
    if (setting.trustMode === 'auto') {
      mode.timer = setInterval(() => void mode.refresh().catch(() => {}), refreshMs);
      mode.timer.unref();
    }
    return mode;
  }

  get current(): TrustModeName {
    return this.mode;
  }

  /** One sentence on why this mode is in force. */
  get reason(): string {
    return this.why;
  }

  /** Whether user code may run on the host (the process runtime) now. */
  get processRuntimeAllowed(): boolean {
    return this.mode === 'single-user' || this.setting.allowProcessRuntime;
  }

  /**
   * The image user code runs in: the one requested, else none (the host) where the host is
   * allowed, else `teamImage`. Throws a validation error naming `field` when there is no image
   * and the host is not allowed.
   */
  imageForUserCode(requested: string | undefined, field: string): string | undefined {
    if (requested || this.processRuntimeAllowed) return requested;
    if (this.setting.teamImage) return this.setting.teamImage;
    throw invalid(
      field,
      'team mode runs user code in a container: name an image (an admin can set teamImage for requests that name none, or allowProcessRuntime)',
    );
  }

  /** Throws unless user code may run on the host: for code that only the host can run. */
  requireProcessRuntime(field: string, what: string): void {
    if (!this.processRuntimeAllowed)
      throw invalid(
        field,
        `team mode runs user code in a container, and ${what} runs on the host (an admin can set allowProcessRuntime)`,
      );
  }

  async refresh(): Promise<void> {
    if (this.setting.trustMode !== 'auto') {
      this.mode = this.setting.trustMode;
      this.why = `set by config (trustMode: ${this.setting.trustMode})`;
    } else if (!isLoopback(this.setting.host)) {
      this.mode = 'team';
      this.why = `the server listens on ${this.setting.host}, beyond loopback`;
    } else if (await this.probe()) {
      this.mode = 'team';
      this.why = 'a token other than an admin’s exists';
    } else {
      this.mode = 'single-user';
      this.why = 'only admin tokens exist and the server listens on loopback';
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
