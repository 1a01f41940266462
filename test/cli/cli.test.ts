/** The `slipway` CLI as a user runs it: `up` in one process, commands in others. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { runCli, startCliServer } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/temp.ts';

describe('slipway CLI', () => {
  const home = tempFolder('slipway-cli-');
  let server: { child: ChildProcess; url: string; output: () => string };
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startCliServer({ SLIPWAY_HOME: home.path, SLIPWAY_PORT: '0', SLIPWAY_LOG_LEVEL: 'warn' });
    env = { SLIPWAY_HOME: home.path, SLIPWAY_URL: server.url };
  });
  after(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
    home.cleanup();
  });

  test('`up` prints the URL and how to use the admin token it saved', () => {
    assert.match(server.output(), /admin token was created and saved in .*admin-token \(mode 0600\)/);
    assert.match(server.output(), /export SLIPWAY_TOKEN=/);
    assert.match(server.output(), /logs: +\S*logs\/slipway\.log/);
    for (const line of server.output().split('\n'))
      assert.ok(!line.trimStart().startsWith('{'), `the banner is human text only: ${line}`);
  });

  test('`status` reaches the server with the saved admin token, as a table and as JSON', async () => {
    const human = await runCli(['status'], env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /you:\s+initial-admin \(admin\)/);
    assert.match(human.stdout, /mode:\s+single-user \(only admin tokens exist/);
    assert.match(human.stdout, /user code:\s+on this host/);
    const json = await runCli(['status', '--json'], env);
    assert.equal(JSON.parse(json.stdout).principal.role, 'admin');
  });

  test('`token create` prints a secret that works; a bad role fails with the reason and exit 1', async () => {
    const created = await runCli(['token', 'create', '--role', 'scientist', '--name', 'alice'], env);
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, /^slw_/);
    const asAlice = await runCli(['status', '--json', '--token', secret], env);
    assert.equal(JSON.parse(asAlice.stdout).principal.name, 'alice');
    assert.equal(JSON.parse(asAlice.stdout).trustMode.mode, 'team', 'a scientist token turns team mode on');
    assert.match((await runCli(['status'], env)).stdout, /user code:\s+in a container only/);
    const listed = await runCli(['token', 'list'], env);
    assert.match(listed.stdout, /NAME\s+ROLE/);
    assert.match(listed.stdout, /alice\s+scientist/);

    const bad = await runCli(['token', 'create', '--role', 'boss'], env);
    assert.equal(bad.code, 2, 'a 400 answer is a usage error');
    assert.match(bad.stderr, /body\.role: must be one of viewer, scientist, approver, admin/);
    const badJson = await runCli(['token', 'create', '--role', 'boss', '--json'], env);
    assert.equal(JSON.parse(badJson.stdout).error.code, 'SLIPWAY_VALIDATION');
  });

  test('a scientist token cannot create tokens (403 surfaces as a clear error)', async () => {
    const created = await runCli(['token', 'create', '--role', 'scientist'], env);
    const denied = await runCli(
      ['token', 'create', '--role', 'admin', '--token', created.stdout.trim()],
      env,
    );
    assert.equal(denied.code, 1, 'a refused permission is exit 1');
    assert.match(denied.stderr, /needs the admin role; your token has scientist/);
  });

  test('an unreachable server is reported, not a stack trace', async () => {
    const result = await runCli(['status'], { ...env, SLIPWAY_URL: 'http://127.0.0.1:1' });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /cannot reach Slipway at http:\/\/127\.0\.0\.1:1/);
  });

  test('`up` shuts down gracefully on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    assert.equal(code, 0);
  });
});
