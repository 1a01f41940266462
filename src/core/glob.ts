/**
 * Wildcard patterns where `*` matches any run of characters (event types, ASL StringMatches),
 * matched without a regular expression: the literal pieces between stars are found left to
 * right, each at its first place after the previous one. A value is scanned about once whatever
 * the pattern, where a regex of many `.*` backtracks through every way to split the value.
 */

/** The literal pieces between the stars; with `escapes`, `\*` and `\\` are a literal star and backslash. */
export function globPieces(pattern: string, escapes = false): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (escapes && char === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\'))
      piece += pattern[++i];
    else if (char === '*') {
      pieces.push(piece);
      piece = '';
    } else piece += char;
  }
  pieces.push(piece);
  return pieces;
}

/** Whether `value` matches the pattern split into `pieces` by globPieces. */
export function matchesGlob(value: string, pieces: string[]): boolean {
  const first = pieces[0];
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1];
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last))
    return false;
  // Leftmost placement of each middle piece leaves the most room for the ones after it.
  const end = value.length - last.length;
  let at = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i];
    if (piece === '') continue;
    const found = value.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** A matcher for one pattern, split once. */
export function compileGlob(pattern: string, escapes = false): (value: string) => boolean {
  const pieces = globPieces(pattern, escapes);
  return (value) => matchesGlob(value, pieces);
}
