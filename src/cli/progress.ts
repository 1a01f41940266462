/** A live status line while waiting: rewritten in place on a TTY, one line per change otherwise. */
export class ProgressLine {
  private last = '';
  private readonly tty = Boolean(process.stderr.isTTY);

  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.tty) process.stderr.write(`\r\x1b[2K${text}`);
    else process.stderr.write(`${text}\n`);
  }

  done(): void {
    if (this.tty && this.last) process.stderr.write('\n');
    this.last = '';
  }
}

export function elapsed(fromIso: string | undefined, toIso?: string): string {
  if (!fromIso) return '00:00';
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
