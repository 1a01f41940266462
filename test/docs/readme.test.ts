/**
 * The README runs as written: every `sh` and `ts` block, in order, against a fresh server, in a
 * fresh copy of the checkout (its tracked files, with node_modules linked in), so the docs cannot
 * rot. The only liberties taken, all of them here:
 * - a block after `<!-- doctest: skip … -->` is not run (the install-and-test block: CI runs it);
 * - the line `npx slipway up` runs in the background, and the next line waits for its banner;
 * - the server listens on a free port: `127.0.0.1:7007` in a block becomes that port, and the CLI
 *   finds it through SLIPWAY_URL;
 * - variables a block exports reach the blocks after it, as in one terminal session;
 * - a `ts` block runs as a module at the root of the copy (`npx tsx block.ts`).
 * Each block must exit 0; a failing block fails the test with its output.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { tempFolder } from '../helpers/temp.ts';

const root = join(import.meta.dirname, '..', '..');

export interface Block {
  language: 'sh' | 'ts';
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** The runnable blocks of a Markdown text, in order, without those marked to skip. */
export function runnableBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let skipNext = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^<!--\s*doctest:\s*skip\b/.test(line)) skipNext = true;
    const fence = /^```(\w*)/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const language = fence[1];
    if (skipNext) skipNext = false;
    else if (language === 'sh' || language === 'ts')
      blocks.push({ language, code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A copy of the working tree as a fresh clone would have it (tracked and new files, nothing
 * git ignores: no .slipway, no prepared data), with this checkout's node_modules.
 */
function copyCheckout(target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
  })
    .toString()
    .split('\0')
    .filter((file) => file && existsSync(join(root, file)));
  for (const file of new Set(files)) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(root, file), join(target, file));
  }
  symlinkSync(join(root, 'node_modules'), join(target, 'node_modules'));
}

const work = tempFolder('slipway-readme-');
/** Process groups of the blocks: a server a block left in the background is stopped with its group. */
const groups: number[] = [];
after(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGTERM');
    } catch {
      // The group has ended.
    }
  }
  work.cleanup();
});

/** Runs `script` in bash, in a process group of its own. */
function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid) groups.push(child.pid);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

test('every sh and ts block of README.md runs, in order, against a fresh server', {
  timeout: 900_000,
}, async () => {
  const checkout = join(work.path, 'slipway');
  copyCheckout(checkout);
  const port = await freePort();
  const state = join(work.path, 'exported.sh');
  writeFileSync(state, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SLIPWAY_')) env[key] = value;
  Object.assign(env, {
    SLIPWAY_PORT: String(port),
    SLIPWAY_URL: `http://127.0.0.1:${port}`,
    NO_COLOR: '1',
    CI: 'true',
  });
  const serverLog = join(work.path, 'up.log');
  const blocks = runnableBlocks(readFileSync(join(checkout, 'README.md'), 'utf8'));
  assert.ok(blocks.length >= 5, 'the README has its tour');
  for (const [index, block] of blocks.entries()) {
    const code = block.code.replaceAll('127.0.0.1:7007', `127.0.0.1:${port}`);
    let result: { code: number; output: string };
    if (block.language === 'ts') {
      const file = join(checkout, `readme-block-${index}.ts`);
      writeFileSync(file, code);
      result = await runBash(`source ${state}; npx tsx ${file}`, checkout, env);
    } else {
      const script = code
        .split('\n')
        .map((line) =>
          /^npx slipway up(\s+#.*)?$/.test(line)
            ? `npx slipway up >${serverLog} 2>&1 & up=$!; ` +
              `for _ in $(seq 600); do grep -q 'Slipway is up' ${serverLog} && break; ` +
              `kill -0 $up || { cat ${serverLog}; exit 1; }; sleep 0.1; done; ` +
              `grep -q 'Slipway is up' ${serverLog}`
            : line,
        )
        .join('\n');
      result = await runBash(
        `source ${state}\nset -euo pipefail\n${script}\nexport -p >${state}`,
        checkout,
        env,
      );
    }
    assert.equal(
      result.code,
      0,
      `README.md line ${block.line} (${block.language} block ${index + 1}) failed:\n${code}\n--- output ---\n${result.output}`,
    );
  }
});
