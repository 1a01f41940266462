/**
 * Parses a decimal number straight from CSV bytes, without making a string. The fast path is
 * Clinger's: a mantissa of at most 15 significant digits and a power of ten up to 22 are both exact
 * doubles, so one multiplication or division gives the correctly rounded result. Anything else
 * (long mantissas, big exponents, "Infinity") falls back to Number() on the decoded text.
 */

/** Returned for text that is not a number (distinct from NaN, which callers use for "missing"). */
export const NOT_A_NUMBER = Symbol('not-a-number');

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const CH_0 = 48;
const CH_9 = 57;
const CH_DOT = 46;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_E = 101;
const CH_UPPER_E = 69;
const CH_SPACE = 32;
const CH_TAB = 9;

/**
 * The number in `bytes[start, end)`, or NOT_A_NUMBER. Surrounding spaces are ignored. An empty
 * field also gives NOT_A_NUMBER; callers decide whether that is a missing value.
 */
export function parseNumber(bytes: Uint8Array, start: number, end: number): number | typeof NOT_A_NUMBER {
  let s = start;
  let e = end;
  while (s < e && (bytes[s] === CH_SPACE || bytes[s] === CH_TAB)) s++;
  while (e > s && (bytes[e - 1] === CH_SPACE || bytes[e - 1] === CH_TAB || bytes[e - 1] === 13)) e--;
  if (s === e) return NOT_A_NUMBER;
  let i = s;
  let negative = false;
  if (bytes[i] === CH_MINUS) {
    negative = true;
    i++;
  } else if (bytes[i] === CH_PLUS) {
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let exponent = 0;
  while (i < e) {
    const c = bytes[i];
    if (c < CH_0 || c > CH_9) break;
    if (significant > 0 || c !== CH_0) significant++;
    mantissa = mantissa * 10 + (c - CH_0);
    digits++;
    i++;
  }
  if (i < e && bytes[i] === CH_DOT) {
    i++;
    while (i < e) {
      const c = bytes[i];
      if (c < CH_0 || c > CH_9) break;
      if (significant > 0 || c !== CH_0) significant++;
      mantissa = mantissa * 10 + (c - CH_0);
      exponent--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return slowPath(bytes, s, e);
  if (i < e && (bytes[i] === CH_E || bytes[i] === CH_UPPER_E)) {
    i++;
    let expNegative = false;
    if (bytes[i] === CH_MINUS) {
      expNegative = true;
      i++;
    } else if (bytes[i] === CH_PLUS) {
      i++;
    }
    let exp = 0;
    let expDigits = 0;
    while (i < e) {
      const c = bytes[i];
      if (c < CH_0 || c > CH_9) break;
      exp = exp * 10 + (c - CH_0);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return NOT_A_NUMBER;
    exponent += expNegative ? -exp : exp;
  }
  if (i !== e) return NOT_A_NUMBER;
  if (significant > 15 || exponent < -22 || exponent > 22) return slowPath(bytes, s, e);
  const value = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
  return negative ? -value : value;
}

function slowPath(bytes: Uint8Array, start: number, end: number): number | typeof NOT_A_NUMBER {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  // Number('') is 0 and Number('0x1f') is 31: accept only what a CSV writer means as a decimal.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?Infinity$/.test(text)) return NOT_A_NUMBER;
  return Number(text);
}
