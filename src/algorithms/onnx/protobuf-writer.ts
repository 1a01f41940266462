/**
 * A minimal protocol-buffers encoder: just the wire types ONNX needs (varint, 64-bit, length-
 * delimited, 32-bit). Messages are encoded bottom-up: a nested message is finished into bytes
 * first and then written as a length-delimited field, which keeps the writer single-pass and free
 * of size pre-computation.
 */

const textEncoder = new TextEncoder();

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export class ProtobufWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  private rawVarint(value: number): void {
    if (value < 0 || !Number.isInteger(value)) {
      this.rawBigVarint(BigInt.asUintN(64, BigInt(Math.trunc(value))));
      return;
    }
    this.ensure(10);
    // Division rather than bit operators: JS bit operators truncate to 32 bits, and ONNX int64
    // values (dims, node ids) may exceed that.
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  private rawBigVarint(value: bigint): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** int32 / int64 / enum field; negative values take the 10-byte two's-complement form. */
  int(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.rawBytes(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, encoded: Uint8Array): this {
    return this.bytes(field, encoded);
  }

  /** Packed repeated float (4 bytes each, little-endian). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(values.length * 4);
    this.ensure(values.length * 4);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat32(this.length, values[i], true);
      this.length += 4;
    }
    return this;
  }

  /** Packed repeated int64 / int32 as varints. */
  packedInts(field: number, values: ArrayLike<number>): this {
    const inner = new ProtobufWriter();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i]);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
