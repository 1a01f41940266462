/**
 * A minimal JSONPath parser for ASL. It accepts what the ASL specification and Step Functions use:
 * `$`, `$.a.b`, `$.a[0]`, `$['x']`, `$.a[*].b`, `$.a.*`, slices `$.a[1:3]`, unions `$.a[0,2]`,
 * deep scan `$..x`, simple filters `$.a[?(@.x > 1)]`, the context object `$$` and variables
 * (`$name.field`, the variables of Step Functions). We own the parser instead of pulling in a
 * general JSONPath library so that "definite" paths (single value) and "reference paths"
 * (writable, used by ResultPath) are decided exactly as the ASL specification defines them.
 */

export type PathRoot = { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };

export type FilterOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type PathSegment =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'union'; keys: (string | number)[] }
  | { kind: 'descendant'; name: string | null }
  | { kind: 'filter'; path: string[]; operator?: FilterOperator; value?: unknown };

export interface ParsedPath {
  source: string;
  root: PathRoot;
  segments: PathSegment[];
  /** True when the path always selects at most one value (no wildcard, slice, union, filter, deep scan). */
  definite: boolean;
  /** True when the path may be written to (ResultPath): only names and indices from `$`. */
  reference: boolean;
}

export class PathSyntaxError extends Error {}

const cache = new Map<string, ParsedPath>();

export function parsePath(source: string): ParsedPath {
  const cached = cache.get(source);
  if (cached) return cached;
  const parsed = new Parser(source).parse();
  if (cache.size > 5000) cache.clear();
  cache.set(source, parsed);
  return parsed;
}

/** Whether a string is meant as a path (used to tell paths from intrinsic calls). */
export function looksLikePath(text: string): boolean {
  return text.startsWith('$');
}

const identifierStart = /[A-Za-z_]/;
// Step Functions accepts most characters in dotted names except the JSONPath operators.
const nameChar = /[^.[\]\s()'",*?@:=<>!]/;

class Parser {
  private index = 0;
  constructor(private readonly text: string) {}

  parse(): ParsedPath {
    const root = this.parseRoot();
    const segments: PathSegment[] = [];
    while (this.index < this.text.length) segments.push(this.parseSegment());
    const definite = segments.every((s) => s.kind === 'name' || s.kind === 'index');
    return { source: this.text, root, segments, definite, reference: definite && root.kind === 'input' };
  }

  private fail(reason: string): never {
    throw new PathSyntaxError(`invalid JSONPath "${this.text}": ${reason} at position ${this.index}`);
  }

  private parseRoot(): PathRoot {
    if (this.text[0] !== '$') this.fail('a path starts with "$"');
    this.index = 1;
    if (this.text[1] === '$') {
      this.index = 2;
      return { kind: 'context' };
    }
    if (this.text[1] !== undefined && identifierStart.test(this.text[1])) {
      const start = 1;
      while (this.index < this.text.length && /[A-Za-z0-9_]/.test(this.text[this.index])) this.index++;
      return { kind: 'variable', name: this.text.slice(start, this.index) };
    }
    return { kind: 'input' };
  }

  private parseSegment(): PathSegment {
    const char = this.text[this.index];
    if (char === '.') {
      if (this.text[this.index + 1] === '.') {
        this.index += 2;
        if (this.text[this.index] === '*') {
          this.index++;
          return { kind: 'descendant', name: null };
        }
        return { kind: 'descendant', name: this.readName() };
      }
      this.index++;
      if (this.text[this.index] === '*') {
        this.index++;
        return { kind: 'wildcard' };
      }
      return { kind: 'name', name: this.readName() };
    }
    if (char === '[') return this.parseBracket();
    return this.fail(`unexpected "${char}"`);
  }

  private readName(): string {
    const start = this.index;
    while (this.index < this.text.length && nameChar.test(this.text[this.index])) this.index++;
    if (this.index === start) this.fail('expected a field name');
    return this.text.slice(start, this.index);
  }

  private parseBracket(): PathSegment {
    this.index++; // [
    this.skipSpaces();
    const char = this.text[this.index];
    let segment: PathSegment;
    if (char === '*') {
      this.index++;
      segment = { kind: 'wildcard' };
    } else if (char === '?') {
      segment = this.parseFilter();
    } else {
      const keys: (string | number)[] = [];
      let slice: { start?: number; end?: number; step?: number } | null = null;
      do {
        this.skipSpaces();
        if (this.text[this.index] === "'" || this.text[this.index] === '"') keys.push(this.readQuoted());
        else {
          const parts = this.readSliceOrIndex();
          if (typeof parts === 'number') keys.push(parts);
          else slice = parts;
        }
        this.skipSpaces();
      } while (!slice && this.text[this.index] === ',' && ++this.index);
      if (slice) segment = { kind: 'slice', ...slice };
      else if (keys.length === 1) {
        segment =
          typeof keys[0] === 'number' ? { kind: 'index', index: keys[0] } : { kind: 'name', name: keys[0] };
      } else segment = { kind: 'union', keys };
    }
    this.skipSpaces();
    if (this.text[this.index] !== ']') this.fail('expected "]"');
    this.index++;
    return segment;
  }

  private parseFilter(): PathSegment {
    this.expect('?(');
    this.skipSpaces();
    this.expect('@');
    const path: string[] = [];
    while (this.text[this.index] === '.' || this.text[this.index] === '[') {
      if (this.text[this.index] === '.') {
        this.index++;
        path.push(this.readName());
      } else {
        this.index++;
        path.push(this.readQuoted());
        this.expect(']');
      }
    }
    this.skipSpaces();
    const operator = /^(==|!=|<=|>=|<|>)/.exec(this.text.slice(this.index))?.[0] as
      | FilterOperator
      | undefined;
    let value: unknown;
    if (operator) {
      this.index += operator.length;
      this.skipSpaces();
      value = this.readLiteral();
      this.skipSpaces();
    }
    this.expect(')');
    return { kind: 'filter', path, operator, value };
  }

  private readLiteral(): unknown {
    const char = this.text[this.index];
    if (char === "'" || char === '"') return this.readQuoted();
    const match = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(this.text.slice(this.index));
    if (!match) return this.fail('expected a literal');
    this.index += match[0].length;
    return JSON.parse(match[0]);
  }

  private readSliceOrIndex(): number | { start?: number; end?: number; step?: number } {
    const match = /^(-?\d*)(?::(-?\d*))?(?::(-?\d*))?/.exec(this.text.slice(this.index));
    if (!match || match[0] === '') return this.fail('expected an index, a slice or a quoted name');
    this.index += match[0].length;
    const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
    if (match[2] === undefined && match[3] === undefined) {
      if (match[1] === '') return this.fail('expected an index');
      return Number(match[1]);
    }
    return { start: num(match[1]), end: num(match[2]), step: num(match[3]) };
  }

  private readQuoted(): string {
    const quote = this.text[this.index];
    this.index++;
    let out = '';
    while (this.index < this.text.length && this.text[this.index] !== quote) {
      if (this.text[this.index] === '\\') this.index++;
      out += this.text[this.index];
      this.index++;
    }
    if (this.text[this.index] !== quote) this.fail('unterminated quoted name');
    this.index++;
    return out;
  }

  private expect(token: string) {
    if (!this.text.startsWith(token, this.index)) this.fail(`expected "${token}"`);
    this.index += token.length;
  }

  private skipSpaces() {
    while (this.text[this.index] === ' ') this.index++;
  }
}
