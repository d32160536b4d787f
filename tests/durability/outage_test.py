#!/usr/bin/env python3
"""Storage outage test: PostgreSQL goes away under HTTP load and comes back.

Starts a real PostgreSQL (tests/support/pg_server.sh) and the exchange storing into it
with a small writer buffer, drives orders, cancels and deposits, stops PostgreSQL for a
few seconds (trading goes on: the journal is the source of truth; the writer overflows
its buffer and leaves the rest to a catch-up from the journal), starts it again, and
checks that storage catches up by itself - every acknowledged order, cancel, trade and
deposit stored, each trade once, trade ids without gaps, balances conserved, the book
equal to the stored open orders - and again after a restart of the exchange. /ready must
report the outage and the writer's lag while it lasts.

  outage_test.py --exchange build/exchange [--rounds 2] [--seed N]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash_test as ct  # noqa: E402

PG_SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support", "pg_server.sh")


def metric(ex, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{ex.port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.split()[-1])
    return 0.0


def ready(ex):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ex.port}/ready", timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait_until(what, fn, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if fn():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exchange", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=6)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pg_dir = tempfile.mkdtemp(prefix="outage-pg-")
    data_dir = tempfile.mkdtemp(prefix="outage-data-")
    env = dict(os.environ, PG_SERVER_OPTS="-c fsync=off")
    url = subprocess.run([PG_SERVER, "start", pg_dir], check=True, capture_output=True, text=True, env=env).stdout.strip()
    print(f"outage test: seed={args.seed} pg={pg_dir} data={data_dir}", flush=True)
    ex = ct.Exchange(args.exchange, data_dir, "batch", ["--store", url, "--writer-max-pending", "2000"])
    acks = ct.Acks()
    failures = 0
    try:
        ex.start()
        for round_no in range(1, args.rounds + 1):
            stop = threading.Event()
            threads = [threading.Thread(target=ct.load, args=(ex.port, acks, rng.random(), stop))
                       for _ in range(args.threads)]
            for t in threads:
                t.start()
            time.sleep(1.0)
            subprocess.run([PG_SERVER, "stop", pg_dir], check=True, env=env)
            time.sleep(4.0)  # trading goes on; the writer's buffer overflows
            status, body = ready(ex)
            acked_during = len(acks.orders)
            storage_up = metric(ex, "exchange_storage_up")
            dropped = metric(ex, "exchange_writer_dropped_updates_total")
            subprocess.run([PG_SERVER, "start", pg_dir], check=True, capture_output=True, env=env)
            time.sleep(2.0)
            stop.set()
            for t in threads:
                t.join()
            wait_until("storage to catch up", lambda: metric(ex, "exchange_storage_up") == 1
                       and metric(ex, "exchange_writer_streams_behind") == 0
                       and metric(ex, "exchange_writer_pending_records") == 0)
            time.sleep(0.5)
            bad, n_orders, n_trades = ct.check(ex, acks, ct.psql_query(url))
            if storage_up != 0:
                bad.append("exchange_storage_up stayed 1 while PostgreSQL was down")
            if status != 503 or "records pending" not in body.get("message", ""):
                bad.append(f"/ready during the outage answered {status} {body}")
            if dropped == 0:
                bad.append("the writer never had to leave updates to the journal (buffer too large for the test?)")
            print(f"round {round_no}: during the outage /ready={status} \"{body.get('message', '')}\", "
                  f"orders acknowledged={acked_during}, updates left to the journal={dropped:.0f}; "
                  f"after: stored orders={n_orders} trades={n_trades} -> {'ok' if not bad else f'{len(bad)} FAILURES'}",
                  flush=True)
            for b in bad[:10]:
                print("  " + b, flush=True)
            failures += len(bad)
        ex.stop()
        ex.start()  # recovery against PostgreSQL: the same state, nothing stored twice
        bad, n_orders, n_trades = ct.check(ex, acks, ct.psql_query(url))
        # History that needs storage while it is away: a clear 503 that names no server,
        # never a page with storage's part missing (a restarted account keeps no closed
        # orders, so its history always needs storage).
        subprocess.run([PG_SERVER, "stop", pg_dir], check=True, env=env)
        for path in (f"/api/v1/orders?userId={ct.USERS[0]}&market={ct.MARKET}",
                     f"/api/v1/fills?userId={ct.USERS[0]}&market={ct.MARKET}"):
            status, body = ct.Client(ex.port).call("GET", path)
            text = json.dumps(body)
            if status != 503 or body.get("code") != "UNAVAILABLE" or "postgres" in text.lower():
                bad.append(f"{path} without storage answered {status} {text[:200]}")
        subprocess.run([PG_SERVER, "start", pg_dir], check=True, capture_output=True, env=env)
        print(f"after a restart: {ex.recovery_line} | stored orders={n_orders} trades={n_trades} -> "
              f"{'ok' if not bad else f'{len(bad)} FAILURES'}", flush=True)
        for b in bad[:10]:
            print("  " + b, flush=True)
        failures += len(bad)
        ex.stop()
    finally:
        if ex.proc and ex.proc.poll() is None:
            ex.kill()
        subprocess.run([PG_SERVER, "stop", pg_dir], env=env)
        subprocess.run(["rm", "-rf", pg_dir, data_dir])
    print(f"outage test: rounds={args.rounds} acknowledged_orders={len(acks.orders)} "
          f"acknowledged_trades={len(acks.fills)} failures={failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
