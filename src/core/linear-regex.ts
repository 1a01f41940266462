/**
 * Regular expressions that users write (metric definitions, JSONata regex literals) run on RE2's
 * linear-time engine: a match never takes longer than a scan of its input, so no pattern such as
 * `^(a+)+$` can stall the server. The price is RE2's syntax: no backreferences or lookarounds,
 * which are refused when the pattern is compiled.
 *
 * `LinearRegExp` offers the part of RegExp's interface that callers use — `exec`, `test`,
 * `lastIndex` with the `g` and `y` flags — so code written for RegExp can take it unchanged.
 */
import { RE2JS } from 're2js';

export class LinearRegExp {
  readonly source: string;
  readonly flags: string;
  lastIndex = 0;
  private readonly compiled: RE2JS;

  /** Throws a SyntaxError that says why when RE2 cannot compile the pattern. */
  constructor(pattern: string | RegExp, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    let options = 0;
    if (this.flags.includes('i')) options |= RE2JS.CASE_INSENSITIVE;
    if (this.flags.includes('m')) options |= RE2JS.MULTILINE;
    if (this.flags.includes('s')) options |= RE2JS.DOTALL;
    try {
      this.compiled = RE2JS.compile(this.source, options);
    } catch (error) {
      throw new SyntaxError(
        `${(error as Error).message} (patterns run on a linear-time engine: no backreferences or lookarounds)`,
      );
    }
  }

  get global(): boolean {
    return this.flags.includes('g') || this.flags.includes('y');
  }

  exec(text: string): RegExpExecArray | null {
    const from = this.global ? this.lastIndex : 0;
    const matcher = this.compiled.matcher(text);
    if (from > text.length || !matcher.find(from)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const groups: Array<string | undefined> = [matcher.group(0) ?? ''];
    for (let group = 1; group <= matcher.groupCount(); group++)
      groups.push(matcher.group(group) ?? undefined);
    if (this.global) this.lastIndex = matcher.end();
    return Object.assign(groups as string[], { index: matcher.start(), input: text }) as RegExpExecArray;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }
}
