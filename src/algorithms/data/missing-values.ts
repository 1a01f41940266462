/** Cell texts read as "no value", the spellings pandas and R write by default. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
  'None',
]);

export function isMissingToken(text: string): boolean {
  return MISSING_TOKENS.has(text.trim());
}
