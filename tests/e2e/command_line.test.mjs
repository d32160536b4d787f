// The command line refuses what it does not understand, with a message and a non-zero exit,
// before opening anything: a mistyped option must not start an exchange configured otherwise
// than its operator believes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, freePort, startExchange } from './harness.mjs';

const EXAMPLE_CONFIG = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../../config/exchange.example.toml');
// The exit status of every configuration error (config/options.hpp, README "Configuration").
const CONFIG_ERROR = 2;

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
    assert.equal(r.status, CONFIG_ERROR, `${args}: exit status`);
    assert.match(r.stdout + r.stderr, message, `${args}`);
    assert.doesNotMatch(r.stdout + r.stderr, /listening/, `${args}`);
  }
});

// Every whole-number option: a negative value is refused, not wrapped into a huge unsigned
// one (CLI11 reads "-1" for an unsigned option as 2^64 - 1), and so is one beyond its range.
// [option, the least value it takes, a value beyond its largest]
const WHOLE_NUMBER_OPTIONS = [
  ['--http-port', 0, 65536],
  ['--ws-port', 0, 65536],
  ['--max-body-bytes', 256, 2 ** 26 + 1],
  ['--max-ws-message-bytes', 64, 2 ** 24 + 1],
  ['--max-streams-per-connection', 1, 1_000_001],
  ['--ws-send-queue', 1, 2 ** 24 + 1],
  ['--ws-flush-us', 0, 1_000_001],
  ['--rate-limit', 0, 1_000_001],
  ['--max-connections', 0, 10_000_001],
  ['--max-connections-per-client', 0, 10_000_001],
  ['--io-threads', 1, 65],
  ['--market-data-threads', 0, 65],
  ['--scheduler-threads', 1, 65],
  ['--request-timeout-ms', 1, 3_600_001],
  ['--max-open-orders', 0, 10_000_001],
  ['--max-users', 0, 1_000_000_001],
  ['--depth-batch-ms', 0, 60_001],
  ['--writer-interval-ms', 0, 60_001],
  ['--history-connections', 1, 65],
  ['--writer-max-pending', 1, 2 ** 32 + 1],
  ['--bus-stream-maxlen', 1000, 100_000_001],
  ['--snapshot-every', 1, 1_000_000_001],
  ['--snapshot-interval-s', 1, 7 * 24 * 3600 + 1],
  ['--journal-segment-mb', 1, 4097],
];

test('an empty data directory, one port for both, a bind address that is no IP address, or a demo amount the assets cannot hold is a configuration error', () => {
  for (const [args, message] of [
    [['--data-dir', '', '--http-port', '0', '--ws-port', '0'], /--data-dir: give a directory/],
    [['--http-port', '4555', '--ws-port', '4555'], /WebSocket port must differ/],
    [['--bind', 'localhost', '--http-port', '0', '--ws-port', '0'], /--bind: not an IP address: 'localhost'/],
    [['--bind', '', '--http-port', '0', '--ws-port', '0'], /--bind: not an IP address/],
    [['--demo', '--demo-amount', '0.001', '--http-port', '0', '--ws-port', '0'],
      /--demo-amount 0.001 has more decimals than TATA allows \(2\)/],
  ]) {
    const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 5000 });
    assert.equal(r.status, CONFIG_ERROR, `${args}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout + r.stderr, message, `${args}`);
  }
});

test('the table of whole-number options is every one --help shows', () => {
  const r = spawnSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  const shown = [...r.stdout.matchAll(/^\s*(--[a-z-]+) U?INT\b/gm)].map((m) => m[1]).sort();
  assert.deepEqual(shown, WHOLE_NUMBER_OPTIONS.map(([option]) => option).sort());
});

for (const [option, least, beyond] of WHOLE_NUMBER_OPTIONS) {
  test(`${option}: a negative value, one below ${least} and one beyond its range stop the exchange (exit 2)`, () => {
    const refused = ['-1', '-3', '-18446744073709551615', String(beyond), '99999999999999999999'];
    if (least > 0) refused.push(String(least - 1));
    for (const value of refused) {
      const r = run([option, value]);
      assert.equal(r.error, undefined, `${option} ${value}: ${r.error}`);
      assert.equal(r.status, CONFIG_ERROR, `${option} ${value}: exit status\n${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${option}: Value ${value} not in range`), `${option} ${value}`);
      assert.doesNotMatch(r.stdout + r.stderr, /listening/, `${option} ${value}`);
    }
    // The same from the environment, the way a service's environment file would set it.
    const variable = `EXCHANGE_${option.slice(2).toUpperCase().replaceAll('-', '_')}`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-cli-'));
    try {
      const r = spawnSync(BIN, ['--data-dir', dir], { encoding: 'utf8', timeout: 5000,
        env: { ...process.env, [variable]: '-1' } });
      assert.equal(r.status, CONFIG_ERROR, `${variable}=-1: exit status\n${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${option}: Value -1 not in range`), `${variable}=-1`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a configuration error exits with 2 whatever CLI11 calls it; --help and --version with 0', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-cfg-'));
  const file = (name, text) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  try {
    for (const args of [
      ['--bogus-option'],                       // unknown option (CLI11: ExtrasError)
      ['--http-port', 'eighty'],                // not a number (ConversionError)
      ['--http-port'],                          // no value (ArgumentMismatch)
      ['--rate-limit', '-1'],                   // out of range (ValidationError)
      ['--stp', 'cancel_all'],                  // refused after parsing (our own check)
      // A WebSocket-only edge has no REST for the page's orders and balances to use.
      ['--role', 'ws-edge', '--bus', 'redis://127.0.0.1:1', '--static-dir', dir],
      ['--config', path.join(dir, 'missing.toml')],                       // FileError
      ['--config', file('typo.toml', 'max-conections = 10\n')],            // unknown key
      ['--config', file('range.toml', 'max-connections = -3\n')],          // out of range
      ['--config', file('broken.toml', '[[markets]\nid = 1\n')],           // not TOML
    ]) {
      const r = run(args);
      assert.equal(r.error, undefined, `${args}: ${r.error}`);
      assert.equal(r.status, CONFIG_ERROR, `${args}: exit status\n${r.stderr}`);
      assert.notEqual(r.stderr, '', `${args}: a message`);
      assert.doesNotMatch(r.stdout + r.stderr, /listening/, `${args}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const flag of ['--help', '--version']) assert.equal(run([flag]).status, 0, flag);
});

test('a taken port stops the exchange before it recovers anything, naming the port', async () => {
  const holder = net.createServer();
  await new Promise((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-port-'));
  try {
    const r = spawnSync(BIN, ['--data-dir', dir, '--bind', '127.0.0.1', '--http-port', String(port),
      '--ws-port', '0'], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1, `exit status\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`cannot listen on the HTTP port 127\\.0\\.0\\.1:${port}`));
    // Recovery (which can take a while on a large journal) prints this line once done.
    assert.doesNotMatch(r.stdout, /recovered/);
  } finally {
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help says what 0 does for the ports, and what the data directory holds', () => {
  const r = spawnSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  // An option's entry: from its name to the next option's, on one line.
  const entry = (option) => r.stdout.split(/\n(?=\s*-)/).map((e) => e.replace(/\s+/g, ' ').trim())
    .find((e) => e.startsWith(`${option} `) || e.includes(`,${option} `));
  assert.match(entry('--http-port'), /\(0: any free port, the one chosen is printed/);
  assert.match(entry('--ws-port'), /\(0: none of its own; WebSockets are then served only on \/ws of --http-port\)/);
  assert.match(entry('--data-dir'), /journals and snapshots.*exchange\.db.*LOCK file/);
  assert.match(entry('--config'), /no environment variable/);
});

test('the example configuration starts the exchange with the built-in markets and a journal written under them', async () => {
  // The systemd steps copy the example over a node that may have run on the defaults:
  // its markets must keep the defaults' rules, or recovery refuses the journal.
  const defaults = await startExchange({ demo: true });
  let markets;
  try {
    markets = (await defaults.get('/api/v1/markets')).json;
    // A price and a quantity on the defaults' grid (tick 0.01, step 0.01).
    for (const market of ['TATA_INR', 'INFY_INR']) {
      const placed = await defaults.post('/api/v1/order', { market, orderType: 'intraday', side: 'sell',
        price: 10.01, quantity: 0.5, userId: '1' });
      assert.equal(placed.status, 200, placed.text);
    }
  } finally {
    assert.equal((await defaults.stop({ keepData: true })).code, 0);
  }
  const example = await startExchange({ demo: true, dataDir: defaults.dataDir,
    args: ['--config', EXAMPLE_CONFIG] });
  try {
    assert.deepEqual((await example.get('/api/v1/markets')).json, markets);
    for (const market of ['TATA_INR', 'INFY_INR']) {
      const open = await example.get(`/api/v1/order/open?userId=1&market=${market}`);
      assert.equal(open.status, 200, open.text);
      assert.equal(open.json.length, 1, `${market}: the order from the journal`);
    }
  } finally {
    assert.equal((await example.stop()).code, 0);
    rmSync(defaults.dataDir, { recursive: true, force: true });
  }
});

test('the example configuration leaves the log level at the default (quiet)', () => {
  assert.doesNotMatch(readFileSync(EXAMPLE_CONFIG, 'utf8'), /^\s*log-level\s*=\s*"(debug|info)"/m);
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
      // A symbol names the market's journal directory: none that leaves it, nests or collides.
      ...['A/B', '../../escaped', '', 'x'.repeat(33), 'A B'].map((symbol) =>
        [market(['id = 1', `symbol = "${symbol}"`]), /market symbol '.*': 1-32 letters, digits/]),
      [market(['id = 1', 'symbol = "deposits"']), /market symbol 'deposits' is reserved/],
      // A value of the wrong type is an error, not its default.
      [market(['id = 1', 'symbol = 5']), /symbol/],
      [market(['id = 1']).replace('name = "A"', 'name = "A"\ndecimals = "0"'), /decimals/],
      [market(['id = 1']).replace('name = "A"', 'name = "A"\ndecimals = 2.5'), /decimals/],
      [market(['id = 1', 'price_band = "0.00015"']), /whole basis points/],
      [market(['id = 1', 'price_band = "2"']), /price band is at most 1/],
    ]) {
      const file = path.join(dir, 'bad.toml');
      writeFileSync(file, `${text}\n`);
      const r = run(['--config', file]);
      assert.equal(r.status, CONFIG_ERROR, `${text}: ${r.stdout}${r.stderr}`);
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
