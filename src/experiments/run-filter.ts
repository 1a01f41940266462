/**
 * The run search language, deliberately small: `and`-joined comparisons of a metric (number), a
 * parameter or tag (quoted string) or an attribute, e.g.
 *   metrics.accuracy > 0.9 and params.C = '1.0' and tags.team = "vision" and attributes.status = 'Completed'
 * and an ordering, e.g. `metrics.accuracy desc, attributes.startTime asc`. Parsed into terms that
 * become bound SQL parameters: nothing the user types reaches the SQL text.
 */
import { ExperimentErrors } from './errors.ts';

export type Scope = 'metrics' | 'params' | 'tags' | 'attributes';
export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface FilterTerm {
  scope: Scope;
  key: string;
  op: Operator;
  value: number | string;
}

export interface OrderTerm {
  scope: Scope;
  key: string;
  descending: boolean;
}

const scopes: Record<string, Scope> = {
  metric: 'metrics',
  metrics: 'metrics',
  param: 'params',
  params: 'params',
  tag: 'tags',
  tags: 'tags',
  attribute: 'attributes',
  attributes: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};

/** Attribute name → its type; the column is chosen by the search, never from user text. */
export const attributeTypes: Record<string, 'string' | 'number'> = {
  runName: 'string',
  experimentName: 'string',
  status: 'string',
  trainingJobName: 'string',
  startTime: 'number',
  endTime: 'number',
};

interface Token {
  kind: 'field' | 'op' | 'number' | 'string' | 'and' | 'word' | 'comma';
  text: string;
  position: number;
  scope?: Scope;
  key?: string;
}

function fail(field: string, reason: string, token?: string, position?: number): never {
  throw ExperimentErrors.badFilter({ field, reason, token, position });
}

function tokenize(text: string, field: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const fieldMatch = /^([A-Za-z]+)\.(?:`([^`]+)`|"([^"]+)"|([A-Za-z0-9_\-.:/]+))/.exec(rest);
    if (fieldMatch && scopes[fieldMatch[1]!.toLowerCase()]) {
      tokens.push({
        kind: 'field',
        text: fieldMatch[0],
        position: i,
        scope: scopes[fieldMatch[1]!.toLowerCase()],
        key: fieldMatch[2] ?? fieldMatch[3] ?? fieldMatch[4],
      });
      i += fieldMatch[0].length;
      continue;
    }
    const op = /^(<=|>=|!=|==|<>|=|<|>)/.exec(rest);
    if (op) {
      const normal = op[1] === '==' ? '=' : op[1] === '<>' ? '!=' : op[1]!;
      tokens.push({ kind: 'op', text: normal, position: i });
      i += op[0].length;
      continue;
    }
    const number = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(?![A-Za-z0-9_.])/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], position: i });
      i += number[0].length;
      continue;
    }
    if (rest[0] === "'" || rest[0] === '"') {
      const quote = rest[0];
      const end = rest.indexOf(quote, 1);
      if (end === -1) fail(field, `unterminated string starting at position ${i}`, rest, i);
      tokens.push({ kind: 'string', text: rest.slice(1, end), position: i });
      i += end + 1;
      continue;
    }
    if (rest[0] === ',') {
      tokens.push({ kind: 'comma', text: ',', position: i });
      i += 1;
      continue;
    }
    const word = /^[^\s,]+/.exec(rest)![0];
    tokens.push({ kind: word.toLowerCase() === 'and' ? 'and' : 'word', text: word, position: i });
    i += word.length;
  }
  return tokens;
}

function checkAttribute(field: string, token: Token): void {
  if (token.scope === 'attributes' && !attributeTypes[token.key!]) {
    fail(
      field,
      `unknown attribute "${token.key}" (known: ${Object.keys(attributeTypes).join(', ')})`,
      token.text,
      token.position,
    );
  }
}

export function parseFilter(text: string, field = 'filter'): FilterTerm[] {
  const tokens = tokenize(text, field);
  const terms: FilterTerm[] = [];
  let i = 0;
  const describe = (token: Token | undefined) =>
    token ? `"${token.text}" at position ${token.position}` : 'the end of the filter';
  while (i < tokens.length) {
    const subject = tokens[i];
    if (subject?.kind !== 'field') {
      fail(
        field,
        `expected metrics.<name>, params.<name>, tags.<name> or attributes.<name>, found ${describe(subject)}`,
        subject?.text,
        subject?.position,
      );
    }
    checkAttribute(field, subject);
    const op = tokens[i + 1];
    if (op?.kind !== 'op')
      fail(
        field,
        `expected a comparison after ${subject.text}, found ${describe(op)}`,
        op?.text,
        op?.position,
      );
    const value = tokens[i + 2];
    if (value?.kind !== 'number' && value?.kind !== 'string') {
      fail(
        field,
        `expected a number or a quoted string, found ${describe(value)}`,
        value?.text,
        value?.position,
      );
    }
    const numeric =
      subject.scope === 'metrics' ||
      (subject.scope === 'attributes' && attributeTypes[subject.key!] === 'number');
    if (numeric && value.kind !== 'number') {
      fail(
        field,
        `${subject.text} is a number; compare it with a number, not ${describe(value)}`,
        value.text,
        value.position,
      );
    }
    if (!numeric && value.kind !== 'string') {
      fail(
        field,
        `${subject.text} is a string; quote the value: '${value.text}'`,
        value.text,
        value.position,
      );
    }
    if (!numeric && op.text !== '=' && op.text !== '!=') {
      fail(field, `${subject.text} is a string; it can only be compared with = or !=`, op.text, op.position);
    }
    terms.push({
      scope: subject.scope!,
      key: subject.key!,
      op: op.text as Operator,
      value: numeric ? Number(value.text) : value.text,
    });
    i += 3;
    if (i < tokens.length) {
      if (tokens[i]!.kind !== 'and')
        fail(field, `expected "and", found ${describe(tokens[i])}`, tokens[i]!.text, tokens[i]!.position);
      i += 1;
      if (i >= tokens.length) fail(field, 'expected a comparison after "and"', 'and');
    }
  }
  return terms;
}

export function parseOrderBy(text: string, field = 'orderBy'): OrderTerm[] {
  const tokens = tokenize(text, field);
  const terms: OrderTerm[] = [];
  let i = 0;
  while (i < tokens.length) {
    const subject = tokens[i]!;
    if (subject.kind !== 'field') {
      fail(
        field,
        `expected metrics.<name>, params.<name>, tags.<name> or attributes.<name>, found "${subject.text}"`,
        subject.text,
        subject.position,
      );
    }
    checkAttribute(field, subject);
    let descending = false;
    i += 1;
    const direction = tokens[i];
    if (direction?.kind === 'word' && /^(asc|desc)$/i.test(direction.text)) {
      descending = direction.text.toLowerCase() === 'desc';
      i += 1;
    }
    terms.push({ scope: subject.scope!, key: subject.key!, descending });
    if (i < tokens.length) {
      if (tokens[i]!.kind !== 'comma') {
        fail(
          field,
          `expected asc, desc or a comma, found "${tokens[i]!.text}"`,
          tokens[i]!.text,
          tokens[i]!.position,
        );
      }
      i += 1;
    }
  }
  return terms;
}
