/**
 * Splitting input into records and mini-batches, and putting predictions back next to them.
 * A model answers one prediction per record: a JSON `{"predictions": [...]}` (or an array), JSON
 * Lines, or CSV lines.
 */
export function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}

/** Groups records into batches no larger than `maxBytes` and `maxRecords` (a single larger record goes alone). */
export function batches(records: string[], maxBytes: number, maxRecords: number): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const record of records) {
    const bytes = Buffer.byteLength(record) + 1;
    if (current.length > 0 && (size + bytes > maxBytes || current.length >= maxRecords)) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** One output string per input record, from what the model answered. */
export function splitPredictions(body: string, contentType: string, expected: number): string[] {
  const type = contentType.split(';')[0]!.trim();
  let outputs: string[];
  if (type === 'application/json') {
    const parsed = JSON.parse(body) as unknown;
    const list = Array.isArray(parsed) ? parsed : (parsed as { predictions?: unknown[] }).predictions;
    if (!Array.isArray(list)) throw new Error('the model answered JSON without a predictions array');
    outputs = list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  } else {
    outputs = splitLines(body);
  }
  if (outputs.length !== expected) {
    throw new Error(`the model answered ${outputs.length} predictions for ${expected} records`);
  }
  return outputs;
}

/** JoinSource=Input: the input record with its prediction, as SageMaker joins them. */
export function joinRecord(input: string, output: string, contentType: string): string {
  if (contentType.startsWith('application/json') || contentType.includes('jsonlines')) {
    const record = JSON.parse(input) as unknown;
    const prediction = safeParse(output);
    if (record && typeof record === 'object' && !Array.isArray(record))
      return JSON.stringify({ ...record, SageMakerOutput: prediction });
    return JSON.stringify({ SageMakerInput: record, SageMakerOutput: prediction });
  }
  // A structured prediction is one CSV field: quoted, with its quotes doubled.
  const parsed = safeParse(output);
  const field =
    parsed !== null && typeof parsed === 'object'
      ? `"${JSON.stringify(parsed).replace(/"/g, '""')}"`
      : output;
  return `${input},${field}`;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
