/**
 * Splits CSV bytes into records and fields (RFC 4180: commas, double-quoted fields with ""
 * escapes and embedded newlines, LF or CRLF endings) by recording field offsets only, so no
 * string is made for a cell unless a column needs one.
 */

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export class RecordFields {
  /** Byte offsets of each field's content (inside the quotes for quoted fields). */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 0 = plain, 1 = quoted, 2 = quoted with "" escapes to undo. */
  quoting = new Uint8Array(64);
  count = 0;

  grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    starts.set(this.starts);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    const quoting = new Uint8Array(size);
    quoting.set(this.quoting);
    this.starts = starts;
    this.ends = ends;
    this.quoting = quoting;
  }
}

/**
 * Tokenizes the record starting at `pos`. Returns the offset just past the record, or -1 when
 * the record is not complete within `bytes[0, end)` and more input may follow (`final` false).
 */
export function tokenizeRecord(
  bytes: Uint8Array,
  pos: number,
  end: number,
  final: boolean,
  out: RecordFields,
): number {
  let i = pos;
  out.count = 0;
  for (;;) {
    if (out.count === out.starts.length) out.grow();
    const f = out.count++;
    if (i < end && bytes[i] === QUOTE) {
      i++;
      const start = i;
      let escaped = false;
      for (;;) {
        if (i >= end) {
          if (!final) return -1;
          throw new Error('unterminated quoted field');
        }
        if (bytes[i] === QUOTE) {
          if (i + 1 < end && bytes[i + 1] === QUOTE) {
            escaped = true;
            i += 2;
            continue;
          }
          if (i + 1 >= end && !final) return -1;
          break;
        }
        i++;
      }
      out.starts[f] = start;
      out.ends[f] = i;
      out.quoting[f] = escaped ? 2 : 1;
      i++; // closing quote
      // Anything between the closing quote and the delimiter is tolerated and ignored.
      while (i < end && bytes[i] !== COMMA && bytes[i] !== LF) i++;
    } else {
      const start = i;
      while (i < end) {
        const c = bytes[i];
        if (c === COMMA || c === LF) break;
        i++;
      }
      let fieldEnd = i;
      if (fieldEnd > start && bytes[fieldEnd - 1] === CR && (i >= end || bytes[i] === LF)) fieldEnd--;
      out.starts[f] = start;
      out.ends[f] = fieldEnd;
      out.quoting[f] = 0;
    }
    if (i >= end) {
      if (!final) return -1;
      return end;
    }
    if (bytes[i] === LF) return i + 1;
    i++; // comma
  }
}

/** The text of field `f` of the last tokenized record. */
export function fieldText(bytes: Buffer, fields: RecordFields, f: number): string {
  const text = bytes.toString('utf8', fields.starts[f], fields.ends[f]);
  return fields.quoting[f] === 2 ? text.replaceAll('""', '"') : text;
}
