// The command line refuses what it does not understand, with a message and a non-zero exit,
// before opening anything: a mistyped option must not start an exchange configured otherwise
// than its operator believes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, freePort } from './harness.mjs';

function run(args) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-cli-'));
  try {
    return spawnSync(BIN, ['--data-dir', dir, '--http-port', '0', '--ws-port', '0', ...args],
      { encoding: 'utf8', timeout: 5000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an unknown or malformed option stops the exchange with a message', () => {
  for (const [args, message] of [
    [['--bogus-option', '1'], /not expected.*--bogus-option/s],
    [['--http-prot', '4000'], /not expected.*--http-prot/s],
    [['--trusted-proxies', '10.0.0.0/8'], /--trusted-proxies: not an IP address/],
    [['--market-data-threads', '65'], /market-data-threads/],
    [['--scheduler-threads', '0'], /scheduler-threads/],
    [['--request-timeout-ms', '-5'], /request-timeout-ms/],
    // Values that would refuse every request or subscription, found by an audit.
    [['--max-body-bytes', '0'], /max-body-bytes/],
    [['--max-ws-message-bytes', '0'], /max-ws-message-bytes/],
    [['--ws-send-queue', '0'], /ws-send-queue/],
    [['--max-streams-per-connection', '0'], /max-streams-per-connection/],
    [['--writer-interval-ms', '-1'], /writer-interval-ms/],
    [['--writer-max-pending', '0'], /writer-max-pending/],
    [['--static-dir', '/nonexistent-page-dir'], /--static-dir: not a directory/],
  ]) {
    const r = run(args);
    assert.equal(r.error, undefined, `${args}: ${r.error}`);  // it exited, not timed out
    assert.notEqual(r.status, 0, `${args}: exit status`);
    assert.match(r.stdout + r.stderr, message, `${args}`);
    assert.doesNotMatch(r.stdout + r.stderr, /listening/, `${args}`);
  }
});

test('--version names the program and its version', () => {
  const r = run(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^exchange \d+\.\d+\.\d+/);
});

test('a config file with a key it does not know stops the exchange, naming the key', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-cfg-'));
  const market = (extra) => ['[[assets]]', 'name = "A"', '[[assets]]', 'name = "B"', '[[markets]]',
    'base = "A"', 'quote = "B"', ...extra].join('\n');
  try {
    for (const [text, message] of [
      ['http_port = 4000', /unknown key 'http_port'.*http-port/s],
      ['durabilty = "sync"', /unknown key 'durabilty'/],
      [market(['id = 1', 'tick = "0.5"']), /\[\[markets\]\]: unknown key 'tick'/],
      [market(['id = 65537']), /market id 65537 is not in 1-4095/],
      [market(['id = 1']).replace('quote = "B"', 'quote = "A"'), /base and quote are the same asset/],
    ]) {
      const file = path.join(dir, 'bad.toml');
      writeFileSync(file, `${text}\n`);
      const r = run(['--config', file]);
      assert.notEqual(r.status, 0, text);
      assert.match(r.stdout + r.stderr, message, text);
      assert.doesNotMatch(r.stdout + r.stderr, /listening/, text);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the environment overrides the config file, and the command line both', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-env-'));
  const [fromFile, fromEnv, fromFlag] = [await freePort(), await freePort(), await freePort()];
  const file = path.join(dir, 'exchange.toml');
  writeFileSync(file, `http-port = ${fromFile}\nws-port = 0\n`);
  // The port the exchange says it listens on.
  const listening = (args, env) => new Promise((resolve, reject) => {
    const child = spawn(BIN, ['--data-dir', path.join(dir, 'data'), '--config', file, ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let port = null;
    const seen = (d) => {
      output += d;
      const m = /exchange listening: http:\/\/[^ ]*:(\d+)/.exec(output);
      if (m && port === null) {
        port = Number(m[1]);
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', () => (port === null ? reject(new Error(`did not listen:\n${output}`)) : resolve(port)));
  });
  try {
    assert.equal(await listening([], {}), fromFile);
    assert.equal(await listening([], { EXCHANGE_HTTP_PORT: String(fromEnv) }), fromEnv);
    // An empty variable is an unset one (as a templated environment file leaves it).
    assert.equal(await listening([], { EXCHANGE_HTTP_PORT: '' }), fromFile);
    assert.equal(await listening(['--http-port', String(fromFlag)], { EXCHANGE_HTTP_PORT: String(fromEnv) }), fromFlag);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
