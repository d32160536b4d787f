#!/usr/bin/env python3
"""Crash test: the real exchange under HTTP load, killed with SIGKILL at random moments.

Each round starts the binary on the same data directory, drives it from several client
threads (orders, cancels, deposits), kills it with SIGKILL at a random moment, restarts
it, and checks against what the clients saw acknowledged and against the SQL history:
  - every acknowledged order exists with the same id (and user), every acknowledged fill
    is a stored trade, every acknowledged cancel left its order CANCELED;
  - every acknowledged deposit is stored; balances are conserved (per asset, the users'
    available + locked equals the stored deposits);
  - nothing half-exists: each stored order's executed quantity equals the sum of its
    stored trades, trade ids run 1..N with no gap or duplicate;
  - locked funds equal what open orders still need, and the book served equals the open
    orders in storage (the book the journal replay built).

With `--signal term` each round stops the exchange with SIGTERM instead, under the same
load: a clean stop keeps everything acknowledged at every durability level, `none` too.

  crash_test.py --exchange build/exchange [--kills 20] [--durability batch] [--seed N]
                [--signal kill|term]
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from decimal import Decimal

MARKET = "TATA_INR"
UNIT = Decimal("0.00000001")
USERS = [f"crash{i}" for i in range(1, 9)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Exchange:
    def __init__(self, binary, data_dir, durability, extra_args=()):
        self.binary, self.data_dir, self.durability = binary, data_dir, durability
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.recovery_line = ""

    def start(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [self.binary, "--data-dir", self.data_dir, "--bind", "127.0.0.1",
             "--http-port", str(self.port), "--ws-port", "0", "--durability", self.durability,
             "--snapshot-every", "500", "--log-level", "warn", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"exchange exited during start-up (code {self.proc.wait()})")
            if line.startswith("exchange recovered"):
                self.recovery_line = line.strip()
            if line.startswith("exchange listening"):
                threading.Thread(target=self._drain, daemon=True).start()
                return
        raise RuntimeError("exchange did not start in 60 s")

    def _drain(self):
        for line in self.proc.stdout:
            if "error" in line.lower():
                sys.stdout.write("  exchange: " + line)

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, method, path, body=None):
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, path, body=data, headers={"content-type": "application/json"})
        res = self.conn.getresponse()
        return res.status, json.loads(res.read() or b"null")


class Acks:
    """What clients saw acknowledged, across every round."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orders = {}       # order id -> (user, executedQty acknowledged)
        self.fills = {}        # trade id -> (price, qty)
        self.cancels = set()   # order ids
        self.deposits = defaultdict(Decimal)  # (user, asset) -> total acknowledged


def load(port, acks, rng_seed, stop):
    rng = random.Random(rng_seed)
    try:
        client = Client(port)
    except OSError:
        return
    mine = []  # acknowledged order ids still possibly open
    while not stop.is_set():
        user = rng.choice(USERS)
        roll = rng.random()
        try:
            if roll < 0.06:
                asset, amount = rng.choice([("INR", "5000"), ("TATA", "50")])
                status, body = client.call("POST", "/api/v1/on-ramp", {"userId": user, "amount": amount, "asset": asset})
                if status == 200:
                    with acks.lock:
                        acks.deposits[(user, asset)] += Decimal(amount)
            elif roll < 0.25 and mine:
                oid = mine.pop(rng.randrange(len(mine)))
                status, body = client.call("DELETE", "/api/v1/order", {"orderId": oid, "market": MARKET})
                if status == 200:
                    with acks.lock:
                        acks.cancels.add(oid)
            else:
                side = rng.choice(["buy", "sell"])
                price = Decimal(rng.randint(9700, 10300)) / 100
                qty = Decimal(rng.randint(2, 200)) / 100
                order = {"market": MARKET, "side": side, "price": str(price), "quantity": str(qty), "userId": user}
                status, body = client.call("POST", "/api/v1/order", order)
                if status == 200:
                    with acks.lock:
                        acks.orders[body["orderId"]] = (user, Decimal(str(body["executedQty"])))
                        for f in body["fills"]:
                            acks.fills[f["tradeId"]] = (Decimal(f["price"]), Decimal(str(f["qty"])))
                    if Decimal(str(body["executedQty"])) < qty:
                        mine.append(body["orderId"])
        except (OSError, http.client.HTTPException, ValueError):
            return  # the exchange died: what was not acknowledged does not count


def units(x):
    return Decimal(x) * UNIT


def sqlite_query(data_dir):
    """Queries on the exchange's SQLite file (read-only)."""
    def query(sql):
        db = sqlite3.connect(f"file:{os.path.join(data_dir, 'exchange.db')}?mode=ro", uri=True)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
    return query


def psql_query(url):
    """Queries on a PostgreSQL database through psql (no Python driver needed)."""
    def query(sql):
        out = subprocess.run(["psql", url, "-tA", "-F", "\t", "-c", sql], check=True,
                             capture_output=True, text=True).stdout
        rows = []
        for line in out.splitlines():
            if line:
                rows.append(tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("\t")))
        return rows
    return query


def check(ex, acks, query):
    """Everything the module docstring promises. Returns a list of failures."""
    bad = []
    orders = {}
    for oid, user, side, price, qty, executed, status in query(
            f"SELECT order_id, user_id, side, price, quantity, executed, status FROM orders WHERE market = '{MARKET}'"):
        orders[oid] = (user, side, units(price), units(qty), units(executed), status)
    trades = {}
    executed_by_order = defaultdict(Decimal)
    for tid, price, qty, buy, sell in query(
            f"SELECT trade_id, price, qty, buy_order_id, sell_order_id FROM trades WHERE market = '{MARKET}'"):
        trades[tid] = (units(price), units(qty))
        executed_by_order[buy] += units(qty)
        executed_by_order[sell] += units(qty)
    deposits = defaultdict(Decimal)
    for user, asset, amount in query("SELECT user_id, asset, amount FROM deposits"):
        deposits[(user, asset)] += units(amount)

    def decode(oid):  # base36 order ids, as the API writes them
        return int(oid, 36)

    with acks.lock:
        for oid, (user, executed) in acks.orders.items():
            row = orders.get(decode(oid))
            if row is None:
                bad.append(f"acknowledged order {oid} is missing")
            elif row[0] != user or row[4] < executed:
                bad.append(f"order {oid} differs from its acknowledgement: {row}")
        for tid, (price, qty) in acks.fills.items():
            if trades.get(tid) != (price, qty):
                bad.append(f"acknowledged trade {tid} {price}x{qty} is stored as {trades.get(tid)}")
        for oid in acks.cancels:
            row = orders.get(decode(oid))
            if row is None or row[5] != "CANCELED":
                bad.append(f"acknowledged cancel of {oid} left {row}")
        for key, total in acks.deposits.items():
            if deposits[key] < total:
                bad.append(f"deposits of {key}: {deposits[key]} stored, {total} acknowledged")
    if trades and sorted(trades) != list(range(1, len(trades) + 1)):
        bad.append(f"trade ids are not 1..{len(trades)}")
    for oid, row in orders.items():
        if row[4] != executed_by_order[oid]:
            bad.append(f"order {oid} executed {row[4]} but its trades sum to {executed_by_order[oid]}")

    client = Client(ex.port)
    need = defaultdict(Decimal)  # (user, asset) -> locked by open orders
    book = {"buy": defaultdict(Decimal), "sell": defaultdict(Decimal)}
    for oid, (user, side, price, qty, executed, status) in orders.items():
        if status in ("NEW", "PARTIALLY_FILLED"):
            remaining = qty - executed
            book[side][price] += remaining
            if side == "buy":
                need[(user, "INR")] += price * remaining
            else:
                need[(user, "TATA")] += remaining
    _, depth = client.call("GET", f"/api/v1/depth?symbol={MARKET}&limit=5000")
    served = {"buy": {Decimal(p): Decimal(q) for p, q in depth["bids"]},
              "sell": {Decimal(p): Decimal(q) for p, q in depth["asks"]}}
    for side in ("buy", "sell"):
        expected = {p: q for p, q in book[side].items() if q > 0}
        if served[side] != expected:
            bad.append(f"{side} book served {sorted(served[side].items())[:5]}... differs from open orders "
                       f"{sorted(expected.items())[:5]}...")
    totals = defaultdict(Decimal)
    for user in USERS:
        _, balances = client.call("GET", f"/api/v1/balances?userId={user}")
        if not isinstance(balances, dict):
            continue
        for asset in ("INR", "TATA"):
            b = balances.get(asset, {"available": "0", "locked": "0"})
            totals[asset] += Decimal(b["available"]) + Decimal(b["locked"])
            if Decimal(b["locked"]) != need[(user, asset)]:
                bad.append(f"{user} has {b['locked']} {asset} locked; its open orders need {need[(user, asset)]}")
            if Decimal(b["available"]) < 0:
                bad.append(f"{user} has a negative {asset} balance")
    for asset in ("INR", "TATA"):
        deposited = sum(v for (u, a), v in deposits.items() if a == asset and u in USERS)
        if totals[asset] != deposited:
            bad.append(f"{asset}: users hold {totals[asset]} but {deposited} was deposited")
    return bad, len(orders), len(trades)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exchange", required=True)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--threads", type=int, default=6)
    ap.add_argument("--durability", default="batch")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    ap.add_argument("--signal", choices=["kill", "term"], default="kill",
                    help="how each round stops the exchange under load")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data_dir = tempfile.mkdtemp(prefix="crash-test-")
    sig = signal.SIGKILL if args.signal == "kill" else signal.SIGTERM
    print(f"crash test: {args.kills} kills (SIG{args.signal.upper()}), durability={args.durability}, "
          f"seed={args.seed}, data={data_dir}", flush=True)
    ex = Exchange(args.exchange, data_dir, args.durability)
    acks = Acks()
    failures = 0
    for round_no in range(1, args.kills + 1):
        ex.start()
        stop = threading.Event()
        threads = [threading.Thread(target=load, args=(ex.port, acks, rng.random(), stop)) for _ in range(args.threads)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.05, 1.5))
        ex.kill(sig)
        stop.set()
        for t in threads:
            t.join()
        ex.start()
        bad, n_orders, n_trades = check(ex, acks, sqlite_query(data_dir))
        ex.stop()
        print(f"round {round_no}/{args.kills}: {ex.recovery_line} | stored orders={n_orders} trades={n_trades} "
              f"acknowledged orders={len(acks.orders)} -> {'ok' if not bad else f'{len(bad)} FAILURES'}", flush=True)
        for b in bad[:10]:
            print("  " + b, flush=True)
        failures += len(bad)
    if not args.keep:
        subprocess.run(["rm", "-rf", data_dir])
    print(f"crash test: kills={args.kills} acknowledged_orders={len(acks.orders)} acknowledged_trades={len(acks.fills)} "
          f"failures={failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
