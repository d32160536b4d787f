/**
 * Shrinks a batch of WebSocket messages (lib/socketRelay.ts) without changing what the page ends
 * up showing: at 200 orders/s most of the ~700 events a second only supersede one another.
 *
 * - `ticker` events are whole snapshots: only the latest per market is kept.
 * - `kline` events carry the whole current candle: only the latest per market, interval (`i`) and
 *   candle start (`timestamp`) is kept.
 * - consecutive `depth` diffs of a market (each one starting at most right after the previous one
 *   ends, `U <= u + 1`) become one diff covering both: their levels are absolute quantities, so
 *   applying the concatenated level lists in order gives the same book, and a gap (missed updates)
 *   is never merged away, so the page still notices it and resynchronises.
 * - everything else (trades, fills) is kept as it is.
 *
 * A message that is not an event (a subscription acknowledgement or error) ends the merging: events
 * are never moved across it, since it can change which streams are active. Kept events stay in
 * their order within each stream; a merged or replaced event takes the place of the first one.
 */

type Obj = Record<string, unknown>;

const isEvent = (m: unknown): m is Obj & { e: string } =>
  typeof m === 'object' && m !== null && typeof (m as Obj).e === 'string';

/** A kline event's candle (market, interval `i`, start `timestamp`), or null: then it is kept. */
function klineKey(m: Obj): string | null {
  if (typeof m.s !== 'string' || typeof m.i !== 'string' || typeof m.timestamp !== 'string') return null;
  return `${m.s}|${m.i}|${m.timestamp}`;
}

/** Depth diff ids and levels in the shape merging needs, or null (then the event is kept apart). */
function depthParts(m: Obj): { U: number; u: number; a: unknown[]; b: unknown[] } | null {
  const { U, u } = m;
  const a = m.a ?? [], b = m.b ?? [];
  if (typeof U !== 'number' || typeof u !== 'number' || !Array.isArray(a) || !Array.isArray(b)) return null;
  return { U, u, a, b };
}

export function coalesceEvents(messages: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  /** Per market: the depth diff in `out` that later ones may extend (a copy, safe to change). */
  let openDepth = new Map<string, Obj & { U: number; u: number; a: unknown[]; b: unknown[] }>();
  /** Per ticker market or kline candle: where its latest event sits in `out`. */
  let latest = new Map<string, number>();
  for (const m of messages) {
    if (!isEvent(m)) {
      out.push(m);
      openDepth = new Map();
      latest = new Map();
      continue;
    }
    const key = m.e === 'ticker' ? (typeof m.s === 'string' ? `ticker|${m.s}` : null) : m.e === 'kline' ? klineKey(m) : null;
    if (key !== null) {
      const at = latest.get(key);
      if (at === undefined) {
        latest.set(key, out.length);
        out.push(m);
      } else {
        out[at] = m;
      }
      continue;
    }
    if (m.e === 'depth' && typeof m.s === 'string') {
      const parts = depthParts(m);
      const open = openDepth.get(m.s);
      if (parts && open && parts.U <= open.u + 1 && parts.u >= open.u) {
        open.u = parts.u;
        open.a = open.a.concat(parts.a);
        open.b = open.b.concat(parts.b);
        continue;
      }
      if (parts) {
        const copy = { ...m, ...parts };
        openDepth.set(m.s, copy);
        out.push(copy);
      } else {
        openDepth.delete(m.s);
        out.push(m);
      }
      continue;
    }
    out.push(m);
  }
  return out;
}
