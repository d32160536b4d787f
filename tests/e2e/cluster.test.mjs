// deploy/cluster.sh: PostgreSQL, Redis, a node that hosts the markets, two WebSocket-only
// edges and the market maker, each on ports of its own. Both edges deliver the same trades
// as the node's own WebSocket, the trades reach PostgreSQL through the Redis stream, and
// SIGTERM stops every part. Runs once, in the plain suite (it starts its own servers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, eventually, openWs, sleep } from './harness.mjs';

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const M = 'TATA_INR';

const portFree = (port) => new Promise((resolve) => {
  const srv = net.createServer();
  srv.once('error', () => resolve(false));
  srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
});

// A base port P whose cluster ports (P, P+1, Redis at P+5, edges at P+100i, P+100i+1) are free.
async function freeBase(edges) {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ports = [base, base + 1, base + 5];
    for (let i = 1; i <= edges; ++i) ports.push(base + 100 * i, base + 100 * i + 1);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The cluster starts its own PostgreSQL and Redis: once is enough, in the plain suite.
const CLUSTER_TEST = {
  skip: process.env.EXCHANGE_TEST_PG_URL || process.env.EXCHANGE_TEST_REDIS ? 'runs in the plain suite' : false,
  timeout: 180000,
};

// Runs the script in a directory of its own; `output` collects its stdout and stderr.
function startCluster(args) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-cluster-'));
  chmodSync(dir, 0o755);  // as root, PostgreSQL runs as the postgres user
  const child = spawn(path.join(SOURCE, 'deploy/cluster.sh'), ['--no-build', '--dir', dir, ...args],
    { env: { ...process.env, EXCHANGE_BIN: BIN }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { dir, child, output: '' };
  child.stdout.on('data', (d) => { run.output += d; });
  child.stderr.on('data', (d) => { run.output += d; });
  run.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // Resolves once every part answers (the "cluster ready" line); fails if the script exits first.
  run.ready = async () => {
    await eventually(() => /cluster ready/.test(run.output) || child.exitCode !== null,
      { timeoutMs: 90000, what: 'cluster ready' });
    assert.match(run.output, /cluster ready/, run.output);
  };
  // The script's children (Redis, the node, the edges, the maker) and PostgreSQL's server.
  run.parts = () => [
    ...execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number),
    Number(readFileSync(path.join(dir, 'postgres/data/postmaster.pid'), 'utf8').split('\n')[0])];
  return run;
}

test('deploy/cluster.sh: two edges deliver the node\'s trades, PostgreSQL stores them, SIGTERM stops it all, even sent twice', CLUSTER_TEST, async () => {
  const base = await freeBase(2);
  const run = startCluster(['--edges', '2', '--port', String(base)]);
  const { dir, child } = run;
  const sockets = [];
  let pids = [];
  try {
    await run.ready();
    for (const port of [base + 1, base + 101, base + 201]) assert.match(run.output, new RegExp(`ws://127\\.0\\.0\\.1:${port}`));

    // The node's own stream, and each edge's (served from Redis by another process).
    for (const port of [base + 1, base + 101, base + 201]) {
      const ws = await openWs(`ws://127.0.0.1:${port}/`);
      assert.deepEqual(await ws.call('SUBSCRIBE', [`trade@${M}`]), { result: null, id: 1 });
      sockets.push(ws);
    }
    // The market maker trades by itself (mm-taker takes mm-maker's quotes) every few seconds.
    const trades = (ws) => ws.inbox.filter((m) => m.data.e === 'trade').map((m) => m.data.t);
    await eventually(() => sockets.every((ws) => trades(ws).length >= 2),
      { timeoutMs: 60000, what: 'trades at the node and both edges' });
    await sleep(300);  // the last trade's frame reaches every socket
    const seen = sockets.map(trades);
    const common = seen[0].filter((t) => seen[1].includes(t) && seen[2].includes(t));
    assert.ok(common.length >= 1, `the same trades everywhere: ${JSON.stringify(seen)}`);
    for (const ids of seen) assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in trade order');

    // Stored in PostgreSQL through the Redis stream, each once.
    const url = execFileSync(path.join(SOURCE, 'tests/support/pg_server.sh'), ['url', path.join(dir, 'postgres')],
      { encoding: 'utf8' }).trim();
    const stored = () => execFileSync('psql', [url, '-tAc',
      `SELECT COUNT(*), COUNT(DISTINCT trade_id) FROM trades WHERE market = '${M}' AND trade_id IN (${common.join(',')})`],
    { encoding: 'utf8' }).trim();
    await eventually(() => stored() === `${common.length}|${common.length}`,
      { timeoutMs: 10000, what: `trades ${common} in PostgreSQL` });

    pids = run.parts();
    assert.equal(pids.length, 6, `Redis, node, two edges, maker, PostgreSQL: ${pids}`);
    assert.ok(pids.every(alive), `${pids}`);
    // Twice, as an impatient operator would: the second arrives while the parts are stopping.
    child.kill('SIGTERM');
    await sleep(100);
    child.kill('SIGTERM');
    const { code } = await run.exited;
    assert.equal(code, 0, run.output);
    await eventually(() => pids.every((pid) => !alive(pid)), { timeoutMs: 10000, what: 'every part stopped' });
  } finally {
    for (const ws of sockets) ws.ws.close();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await run.exited;
    }
    // What a failed stop left running.
    for (const pid of pids.slice(0, -1).filter(alive)) process.kill(pid, 'SIGKILL');
    execFileSync(path.join(SOURCE, 'tests/support/pg_server.sh'), ['stop', path.join(dir, 'postgres')]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deploy/cluster.sh: a part that dies stops the rest, Redis and PostgreSQL included, even when another part then fails to stop cleanly', CLUSTER_TEST, async () => {
  const base = await freeBase(1);
  const run = startCluster(['--edges', '1', '--port', String(base)]);
  let ws;
  let children = [];
  try {
    await run.ready();
    // A trade means the maker has orders resting: with the node gone it cannot cancel them,
    // and exits 1 when stopped.
    ws = await openWs(`ws://127.0.0.1:${base + 1}/`);
    assert.deepEqual(await ws.call('SUBSCRIBE', [`trade@${M}`]), { result: null, id: 1 });
    await eventually(() => ws.inbox.some((m) => m.data.e === 'trade'), { timeoutMs: 60000, what: 'a trade' });
    ws.ws.close();
    const pids = run.parts();
    children = pids.slice(0, -1);
    assert.equal(children.length, 4, `Redis, node, edge, maker: ${children}`);
    const node = Number(execFileSync('pgrep', ['-P', String(run.child.pid), '-f', `data-dir ${run.dir}/node`],
      { encoding: 'utf8' }).trim());
    process.kill(node, 'SIGKILL');
    const { code } = await run.exited;
    assert.equal(code, 1, run.output);
    assert.match(run.output, /a part of the cluster stopped/);
    await eventually(() => pids.every((pid) => !alive(pid)),
      { timeoutMs: 10000, what: `every part stopped: ${pids.filter(alive)} of ${pids}\n${run.output}` });
  } finally {
    ws?.ws.close();
    if (run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    // What a failed stop left running.
    for (const pid of children.filter(alive)) process.kill(pid, 'SIGKILL');
    execFileSync(path.join(SOURCE, 'tests/support/pg_server.sh'), ['stop', path.join(run.dir, 'postgres')]);
    rmSync(run.dir, { recursive: true, force: true });
  }
});

test('deploy/cluster.sh refuses ports past 65535 before it starts anything', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-cluster-'));
  chmodSync(dir, 0o755);  // as root, PostgreSQL runs as the postgres user
  try {
    for (const args of [['--port', '65500', '--edges', '1'], ['--port', '65400', '--edges', '2'],
      ['--port', '65531', '--edges', '0'], ['--port', '0'], ['--edges', '08']]) {
      const r = spawnSync(path.join(SOURCE, 'deploy/cluster.sh'), ['--no-build', '--dir', dir, ...args],
        { encoding: 'utf8', timeout: 20000, env: { ...process.env, EXCHANGE_BIN: BIN } });
      assert.equal(r.status, 2, `${args}: ${r.stdout}${r.stderr}`);
      assert.ok(!existsSync(path.join(dir, 'postgres')), `${args}: PostgreSQL was started`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
