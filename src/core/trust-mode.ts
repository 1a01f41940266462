/**
 * The trust mode: who the server trusts with the host. `single-user` is the laptop default: the
 * person holding the admin token is the only user, and their own folders (home, temp, the folder
 * the server started in) may be named as file:// URIs. `team` is in force as soon as someone else
 * can reach the server — a non-admin token exists or it listens beyond loopback — and then only
 * the artifact store and the configured data roots can be named. An admin may pin either mode in
 * config (`trustMode`); `auto` derives it and re-derives it whenever tokens change.
 */
import { isLoopback } from './config.ts';

export type TrustModeName = 'single-user' | 'team';

export interface TrustModeSetting {
  trustMode: 'auto' | TrustModeName;
  host: string;
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
