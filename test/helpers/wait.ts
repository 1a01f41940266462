/** Polls `condition` until it returns a truthy value or the deadline passes. Tests never sleep to wait. */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${options.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/** For assert.rejects / throws: the error is a validation error naming `field`. */
export function namesField(field: string) {
  return (error: unknown) => {
    const details = (error as { details?: { field?: string } }).details;
    if (details?.field !== field)
      throw new Error(`expected an error naming ${field}, got: ${(error as Error).message}`);
    return true;
  };
}
