/**
 * The environment user code starts from on the host: enough to find programs and a home, never the
 * server's own variables (its admin token, database URL, cloud keys). What the run needs on top is
 * given explicitly by the caller.
 */
export function hostEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
  };
  if (process.env.LANG) env.LANG = process.env.LANG;
  return { ...env, ...extra };
}
