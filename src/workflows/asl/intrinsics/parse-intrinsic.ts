/**
 * Parses an intrinsic function call such as `States.Format('{} {}', $.a, States.UUID())` into a
 * small tree. Arguments are string literals (with `\'`, `\{`, `\}` and `\\` escapes), numbers,
 * booleans, null, JSONPath paths (`$.x`, `$$.x`, `$var`) and nested calls.
 */

export type IntrinsicArgument =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; path: string }
  | IntrinsicCall;

export interface IntrinsicCall {
  kind: 'call';
  name: string;
  args: IntrinsicArgument[];
}

export class IntrinsicSyntaxError extends Error {}

const cache = new Map<string, IntrinsicCall>();

export function isIntrinsicCall(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\s*\(/.test(text.trim());
}

export function parseIntrinsic(source: string): IntrinsicCall {
  const cached = cache.get(source);
  if (cached) return cached;
  const parser = new Parser(source.trim());
  const call = parser.parseCall();
  parser.end();
  if (cache.size > 5000) cache.clear();
  cache.set(source, call);
  return call;
}

class Parser {
  private index = 0;
  constructor(private readonly text: string) {}

  private fail(reason: string): never {
    throw new IntrinsicSyntaxError(
      `invalid intrinsic function "${this.text}": ${reason} at position ${this.index}`,
    );
  }

  end() {
    this.skipSpaces();
    if (this.index !== this.text.length) this.fail('unexpected text after the call');
  }

  parseCall(): IntrinsicCall {
    const match = /^States\.([A-Za-z0-9]+)\s*\(/.exec(this.text.slice(this.index));
    if (!match) return this.fail('expected States.<Function>(');
    this.index += match[0].length;
    const args: IntrinsicArgument[] = [];
    this.skipSpaces();
    if (this.text[this.index] === ')') {
      this.index++;
      return { kind: 'call', name: `States.${match[1]}`, args };
    }
    for (;;) {
      this.skipSpaces();
      args.push(this.parseArgument());
      this.skipSpaces();
      const char = this.text[this.index++];
      if (char === ')') break;
      if (char !== ',') this.fail('expected "," or ")"');
    }
    return { kind: 'call', name: `States.${match[1]}`, args };
  }

  private parseArgument(): IntrinsicArgument {
    const rest = this.text.slice(this.index);
    if (rest.startsWith("'")) return { kind: 'literal', value: this.readString() };
    if (rest.startsWith('States.')) return this.parseCall();
    if (rest.startsWith('$')) return { kind: 'path', path: this.readPath() };
    const literal = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(rest);
    if (!literal) return this.fail('expected an argument');
    this.index += literal[0].length;
    return { kind: 'literal', value: JSON.parse(literal[0]) };
  }

  private readString(): string {
    this.index++; // opening quote
    let out = '';
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (char === '\\') {
        const next = this.text[this.index + 1];
        // Keep `\{` / `\}` escaped: States.Format needs to tell them from placeholders.
        out += next === '{' || next === '}' ? `\\${next}` : next;
        this.index += 2;
        continue;
      }
      if (char === "'") {
        this.index++;
        return out;
      }
      out += char;
      this.index++;
    }
    return this.fail('unterminated string');
  }

  private readPath(): string {
    const start = this.index;
    let depth = 0;
    let quote: string | null = null;
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (quote) {
        if (char === quote) quote = null;
      } else if (char === "'" || char === '"') quote = char;
      else if (char === '[' || char === '(') depth++;
      else if (char === ']' || char === ')') {
        if (depth === 0) break;
        depth--;
      } else if (char === ',' && depth === 0) break;
      this.index++;
    }
    return this.text.slice(start, this.index).trim();
  }

  private skipSpaces() {
    while (this.text[this.index] === ' ') this.index++;
  }
}
