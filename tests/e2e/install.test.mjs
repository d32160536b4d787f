// `cmake --install`: the programs, the trading page, the example configuration and the
// deploy files land under a prefix; the installed exchange runs from anywhere with the
// example configuration and serves the page it was installed with; the systemd unit
// passes systemd's own check against the installed binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, freePort, eventually, request } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.resolve(here, '../..');
let prefix;

before(() => {
  prefix = mkdtempSync(path.join(os.tmpdir(), 'exchange-install-'));
  execFileSync('cmake', ['--install', path.dirname(BIN), '--prefix', prefix], { stdio: 'ignore' });
});
after(() => { if (prefix) rmSync(prefix, { recursive: true, force: true }); });

test('the programs, the example configuration and the deploy files are installed', () => {
  for (const program of ['exchange', 'exchange-mm', 'exchange-sim'])
    accessSync(path.join(prefix, 'bin', program), constants.X_OK);
  for (const file of ['exchange.example.toml', 'deploy/nginx/exchange.conf', 'deploy/systemd/exchange.service'])
    assert.ok(existsSync(path.join(prefix, 'share/exchange', file)), file);
});

test('the installed exchange runs elsewhere with the example configuration and serves its page', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-installed-'));
  const [httpPort, wsPort] = [await freePort(), await freePort()];
  const child = spawn(path.join(prefix, 'bin/exchange'), [
    '--config', path.join(prefix, 'share/exchange/exchange.example.toml'), '--data-dir', path.join(dir, 'data'),
    '--http-port', String(httpPort), '--ws-port', String(wsPort), '--log-level', 'warn'],
  { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (d) => { errors += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const base = `http://127.0.0.1:${httpPort}`;
    await eventually(async () => (await request(base, 'GET', '/ready').catch(() => null))?.status === 200,
      { timeoutMs: 10000, what: `the installed exchange ready (${errors})` });
    const markets = await request(base, 'GET', '/api/v1/markets');
    assert.deepEqual(markets.json.map((m) => m.symbol).sort(), ['INFY_INR', 'TATA_INR']);
    const home = await request(base, 'GET', '/');
    assert.equal(home.status, 200);
    const built = path.join(SOURCE, 'frontend/out/index.html');
    if (existsSync(built)) assert.equal(home.text, readFileSync(built, 'utf8'), 'the installed trading page');
  } finally {
    process.kill(child.pid, 'SIGTERM');
    assert.equal(await exited, 0, errors);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the systemd unit passes systemd-analyze verify against the installed program', () => {
  const unit = path.join(prefix, 'exchange.service');
  const text = readFileSync(path.join(prefix, 'share/exchange/deploy/systemd/exchange.service'), 'utf8');
  assert.ok(text.includes('/usr/local/bin/exchange '), 'the unit starts /usr/local/bin/exchange');
  writeFileSync(unit, text.replace('/usr/local/bin/exchange ', `${path.join(prefix, 'bin/exchange')} `));
  const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(r.error, undefined, 'systemd-analyze is missing (deploy/install-deps.sh --test installs systemd)');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /exchange\.service/, r.stderr);  // no warning about the unit
});
