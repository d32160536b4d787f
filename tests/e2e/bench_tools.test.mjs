// The benchmark programs against the real exchange, briefly: they must keep working and
// keep printing their figures as the last line, since the README's numbers come from them.
// Runs when CTest names the programs (HTTP_LOAD_BIN, WS_FANOUT_BIN), in the plain e2e run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startExchange } from './harness.mjs';

const run = promisify(execFile);
const HTTP_LOAD = process.env.HTTP_LOAD_BIN;
const WS_FANOUT = process.env.WS_FANOUT_BIN;

/** The last line's name=value pairs. */
function figures(stdout) {
  const line = stdout.trim().split('\n').pop();
  return Object.fromEntries(line.split(' ').map((kv) => kv.split('=')));
}

for (const pipeline of ['1', '4']) {
  test(`http_load places and cancels orders and reports its figures (pipeline ${pipeline})`,
    { skip: !HTTP_LOAD }, async () => {
      const ex = await startExchange({ demo: false });
      try {
        const { stdout } = await run(HTTP_LOAD, ['--port', String(ex.httpPort), '--conns', '4',
          '--seconds', '1', '--users', '5', '--pipeline', pipeline], { timeout: 30_000 });
        const f = figures(stdout);
        assert.equal(f.pipeline, pipeline);
        assert.equal(f.errors, '0');
        assert.ok(Number(f.orders) > 50, `orders=${f.orders}`);
        assert.ok(Number(f.trades) > 0, `trades=${f.trades}`);
        assert.ok(Number(f.p99_ms) >= Number(f.p50_ms) && Number(f.p50_ms) > 0);
      } finally {
        await ex.stop();
      }
    });
}

test('ws_fanout delivers every event to every subscriber and reports its figures', { skip: !WS_FANOUT }, async () => {
  const ex = await startExchange({ demo: false });
  try {
    const { stdout } = await run(WS_FANOUT, ['--http-port', String(ex.httpPort), '--ws-port',
      String(ex.wsPort), '--subscribers', '20', '--trades-per-sec', '20', '--seconds', '1',
      '--drivers', '2'], { timeout: 60_000 });
    const f = figures(stdout);
    assert.equal(f.subscribers, '20');
    assert.equal(f.dropped, '0');
    assert.ok(Number(f.events_per_sec) > 0, `events_per_sec=${f.events_per_sec}`);
  } finally {
    await ex.stop();
  }
});
