// The command line refuses what it does not understand, with a message and a non-zero exit,
// before opening anything: a mistyped option must not start an exchange configured otherwise
// than its operator believes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './harness.mjs';

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
  ]) {
    const r = run(args);
    assert.equal(r.error, undefined, `${args}: ${r.error}`);  // it exited, not timed out
    assert.notEqual(r.status, 0, `${args}: exit status`);
    assert.match(r.stdout + r.stderr, message, `${args}`);
    assert.doesNotMatch(r.stdout + r.stderr, /listening/, `${args}`);
  }
});
