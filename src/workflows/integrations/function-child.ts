/**
 * The process a module function runs in (never the server's own): `node --import tsx
 * function-child.ts <module>`. It reads the event as JSON on stdin, calls the module's
 * `handler(event, context)` and writes one JSON answer to fd 3, then exits, so timers or
 * connections the handler left open do not keep it alive. stdout and stderr stay the function's
 * own, for its logs. The answer is `{ result }`, `{ error: { errorType, errorMessage } }` for an
 * error the handler threw, or `{ loadError }` when the module cannot be used.
 */
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

type Exports = { handler?: unknown; default?: { handler?: unknown } };

function answer(message: object): void {
  let text: string;
  try {
    text = JSON.stringify(message);
  } catch (error) {
    const errorMessage = `the handler's result is not JSON: ${(error as Error).message}`;
    text = JSON.stringify({ error: { errorType: 'TypeError', errorMessage } });
  }
  createWriteStream('', { fd: 3 }).end(text, () => process.exit(0));
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function main(path: string) {
  const event = JSON.parse(await readStdin());
  let exports: Exports;
  try {
    // tsImport compiles a .ts module as ESM wherever it lies (a plain import would treat a .ts
    // file outside an ESM package as CommonJS).
    exports = /\.(ts|mts)$/.test(path)
      ? await tsImport(pathToFileURL(path).href, import.meta.url)
      : await import(pathToFileURL(path).href);
  } catch (error) {
    return answer({ loadError: `cannot load ${path}: ${(error as Error).message}` });
  }
  const handler = exports.handler ?? exports.default?.handler;
  if (typeof handler !== 'function')
    return answer({ loadError: `${path} does not export a handler(event) function` });
  try {
    // The parent stops this process on abort; the signal is there for handlers that expect one.
    const result = await handler(event, { signal: new AbortController().signal });
    answer({ result: result === undefined ? null : result });
  } catch (error) {
    answer({
      error: {
        errorType: (error as Error)?.name ?? 'Error',
        errorMessage: (error as Error)?.message ?? String(error),
      },
    });
  }
}

await main(process.argv[2]!);
