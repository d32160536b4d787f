'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useToast } from '@/components/ui/Toasts';
import { ApiError, api, errorText } from '@/lib/api';
import { FILL_RULES, KEEP_FILLS, LOAD_FILLS, liveFill, storedFill } from '@/lib/fills';
import { LOAD_HISTORY, ORDER_RULES } from '@/lib/orderHistory';
import { closedNotice, depthTouchesMine, restingByLevel, vanishedOrders } from '@/lib/orderNotices';
import { addLive, addNewest, emptyList, type PagedList } from '@/lib/paging';
import { FIRST_VIEW, FIRST_VIEW_WAIT_MS, afterShown } from '@/lib/readiness';
import type { AccountFill, Balance, Market, OpenOrder, Order, Side } from '@/lib/types';
import { getSocket } from '@/lib/ws';
import { useOlderPages, type OlderPages } from './useOlderPages';

const POLL_MS = 10_000;
/** A depth update that shows one of the user's resting orders leaving the book reloads this soon. */
const TOUCHED_RELOAD_MS = 250;

export interface AccountState {
  userId: string;
  market: string;
  openOrders: OpenOrder[] | null;
  /**
   * This user's orders in this market, newest first: the latest page (asked again at each
   * reload) and the older pages loaded below it (lib/orderHistory.ts). Null until loaded.
   */
  history: readonly Order[] | null;
  /** Load older for the order history. */
  olderHistory: OlderPages;
  balances: Balance[] | null;
  /**
   * This user's fills in this market, newest first: the recent ones from storage and those the
   * stream brought since, one row each (lib/fills.ts).
   */
  fills: readonly AccountFill[];
  /** Whether storage has answered for the fills (until then `fills` holds stream fills only). */
  fillsLoaded: boolean;
  /** Load older for the fills. */
  olderFills: OlderPages;
  error: string | null;
  /** Reloads orders and balances now (coalesced with one already running). */
  refresh: () => Promise<void>;
  /** Side of one of the user's orders, when known. */
  sideOf: (orderId: string) => Side | undefined;
  /** Records the side of an order just placed, so its fills can show it. */
  rememberOrder: (orderId: string, side: Side) => void;
  /**
   * Orders this page is closing (a cancel from here): their leaving open orders is no news. Call
   * `closing(ids, false)` when the cancel failed.
   */
  closing: (orderIds: readonly string[], expected?: boolean) => void;
  /** Counts requests to show the deposit form (e.g. from the order form's "no funds" message). */
  depositRequests: number;
  requestDeposit: () => void;
}

const AccountContext = createContext<AccountState | null>(null);

/**
 * The signed-in (picked) user's orders, balances and fills in one market, shared by the order
 * form and the account panel. Reloaded on start, after each of the user's fills, after the user's
 * own actions (refresh), when the stream restarts, and every POLL_MS as a safety net. Fills come
 * from both the stream (at once) and each reload (storage, about 100 ms behind; it also brings
 * fills from before the page opened and any the stream missed while it was down), merged. The
 * order history and the fills also take older pages on request (Load older), kept under what the
 * reloads and the stream bring (lib/paging.ts); a reload refreshes only the newest page, so an old
 * order shown from an older page keeps the state it had when loaded.
 */
export function AccountProvider({ userId, market: marketInfo, children }: { userId: string; market: Market; children: ReactNode }) {
  const market = marketInfo.symbol;
  const notify = useToast();
  const [openOrders, setOpenOrders] = useState<OpenOrder[] | null>(null);
  const [history, setHistory] = useState<PagedList<Order>>(() => emptyList(LOAD_HISTORY));
  const [balances, setBalances] = useState<Balance[] | null>(null);
  const [fills, setFills] = useState<PagedList<AccountFill>>(() => emptyList(KEEP_FILLS));
  const [error, setError] = useState<string | null>(null);
  const sides = useRef(new Map<string, Side>());
  /** The open orders last loaded (null: none yet for this user and market). */
  const lastOpen = useRef<OpenOrder[] | null>(null);
  /** Ids of orders this page cancelled, until they leave the open orders. */
  const ownCloses = useRef(new Set<string>());
  /** What the user's open orders rest at each level (`side:price` -> quantity), for depth updates. */
  const resting = useRef<ReadonlyMap<string, string>>(new Map());
  const [depositRequests, setDepositRequests] = useState(0);
  const marketRef = useRef(marketInfo);
  marketRef.current = marketInfo;
  const running = useRef<{ key: string; promise: Promise<void>; again: boolean } | null>(null);
  const key = `${userId}|${market}`;
  const currentKey = useRef(key);
  currentKey.current = key;

  /**
   * Orders that left the open orders without a cancel from this page: the exchange closed them
   * (filled, or cancelled/expired on its own, e.g. self-trade prevention). A toast for the latter.
   */
  const tellClosed = useCallback(async (orderIds: readonly string[], forKey: string) => {
    for (const id of orderIds) {
      let order: Order | null = null;
      // The order's closed state may be a moment behind the open orders' (storage): ask again.
      for (let attempt = 0; attempt < 4; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 300));
        order = await api.order(id, market).catch(() => null);
        if (!order || (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED')) break;
      }
      if (!order || currentKey.current !== forKey) continue;
      const notice = closedNotice(order, marketRef.current);
      if (notice) notify(notice.kind, notice.title, notice.detail);
    }
  }, [market, notify]);

  const loadOnce = useCallback(async (): Promise<void> => {
    const forKey = key;
    // Independent requests: one failing endpoint does not hide the others.
    const [open, hist, bal, fil] = await Promise.allSettled([
      api.openOrders(userId, market),
      api.orders(userId, market, LOAD_HISTORY),
      api.balances(userId),
      api.fills(userId, market, LOAD_FILLS),
    ]);
    if (currentKey.current !== forKey) return;
    const openValue = valueOf(open), histValue = valueOf(hist), balValue = valueOf(bal), filValue = valueOf(fil);
    if (openValue) {
      for (const o of openValue) sides.current.set(o.orderId, o.side);
      const before = lastOpen.current;
      lastOpen.current = openValue;
      resting.current = restingByLevel(openValue);
      setOpenOrders(openValue);
      if (before) void tellClosed(vanishedOrders(before, openValue, ownCloses.current), forKey);
      const stillOpen = new Set(openValue.map((o) => o.orderId));
      for (const id of [...ownCloses.current]) if (!stillOpen.has(id)) ownCloses.current.delete(id);
    }
    if (histValue) {
      for (const o of histValue) sides.current.set(o.orderId, o.side);
      setHistory((prev) => addNewest(prev, histValue, LOAD_HISTORY, ORDER_RULES));
    }
    if (balValue) setBalances(balValue);
    if (filValue) {
      for (const f of filValue) sides.current.set(f.orderId, f.side);
      const stored = filValue.map(storedFill);
      setFills((prev) => addNewest(prev, stored, LOAD_FILLS, FILL_RULES));
    }
    const failed = [open, hist, bal, fil].find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isUnknownUser(r.reason));
    setError(failed ? errorText(failed.reason) : null);
  }, [key, userId, market, tellClosed]);

  const refresh = useCallback((): Promise<void> => {
    const r = running.current;
    if (r && r.key === key) {
      r.again = true;
      return r.promise;
    }
    const state = { key, again: false, promise: Promise.resolve() };
    state.promise = (async () => {
      do {
        state.again = false;
        await loadOnce();
      } while (state.again);
      if (running.current === state) running.current = null;
    })();
    running.current = state;
    return state.promise;
  }, [key, loadOnce]);

  useEffect(() => {
    setOpenOrders(null);
    lastOpen.current = null;
    ownCloses.current.clear();
    resting.current = new Map();
    setHistory(emptyList(LOAD_HISTORY));
    setBalances(null);
    setFills(emptyList(KEEP_FILLS));
    setError(null);
    // On a fresh load the book and the trades are drawn first; the account follows right after.
    let started = false;
    let alive = true;
    void afterShown(FIRST_VIEW, FIRST_VIEW_WAIT_MS).then(() => {
      if (!alive) return;
      started = true;
      void refresh();
    });
    const unsubscribe = getSocket().fills(market, {
      onEvent: (f) => {
        if (f.userId !== userId) return;
        const row = liveFill(f);
        setFills((prev) => addLive(prev, [row], FILL_RULES));
        void refresh();
      },
      onActive: () => { if (started) void refresh(); },
    });
    // A resting order of the user's can leave the book with no fill of theirs (cancelled by the
    // exchange, or from another session): the depth stream shows it first.
    let touched: ReturnType<typeof setTimeout> | null = null;
    const unsubscribeDepth = getSocket().depth(market, {
      onEvent: (diff) => {
        if (touched !== null || !started || !depthTouchesMine(diff, resting.current)) return;
        touched = setTimeout(() => { touched = null; void refresh(); }, TOUCHED_RELOAD_MS);
      },
    });
    const poll = setInterval(() => void refresh(), POLL_MS);
    return () => {
      alive = false;
      unsubscribe();
      unsubscribeDepth();
      if (touched !== null) clearTimeout(touched);
      clearInterval(poll);
    };
  }, [userId, market, refresh]);

  const sideOf = useCallback((orderId: string) => sides.current.get(orderId), []);
  const rememberOrder = useCallback((orderId: string, side: Side) => void sides.current.set(orderId, side), []);
  const closing = useCallback((orderIds: readonly string[], expected = true) => {
    for (const id of orderIds) {
      if (expected) ownCloses.current.add(id);
      else ownCloses.current.delete(id);
    }
  }, []);
  const requestDeposit = useCallback(() => setDepositRequests((n) => n + 1), []);

  // Load older: pages below the lists' last rows, kept below what the reloads and the stream bring.
  const olderOrdersPage = useCallback(async (before: string) => {
    const page = await api.orders(userId, market, LOAD_HISTORY, before);
    for (const o of page) sides.current.set(o.orderId, o.side);
    return page;
  }, [userId, market]);
  const olderFillsPage = useCallback(async (before: string) => {
    const page = await api.fills(userId, market, LOAD_FILLS, before);
    for (const f of page) sides.current.set(f.orderId, f.side);
    return page.map(storedFill);
  }, [userId, market]);
  const olderHistory = useOlderPages(key, history, setHistory, olderOrdersPage, LOAD_HISTORY, ORDER_RULES);
  const olderFills = useOlderPages(key, fills, setFills, olderFillsPage, LOAD_FILLS, FILL_RULES);

  const historyRows = history.loaded ? history.rows : null;
  const value = useMemo<AccountState>(
    () => ({
      userId, market, openOrders, history: historyRows, olderHistory, balances, fills: fills.rows, fillsLoaded: fills.loaded, olderFills,
      error, refresh, sideOf, rememberOrder, closing, depositRequests, requestDeposit,
    }),
    [userId, market, openOrders, historyRows, olderHistory, balances, fills, olderFills, error, refresh, sideOf, rememberOrder, closing,
      depositRequests, requestDeposit],
  );
  return <AccountContext.Provider value={value}>{children}</AccountContext.Provider>;
}

export function useAccount(): AccountState {
  const ctx = useContext(AccountContext);
  if (!ctx) throw new Error('useAccount needs an AccountProvider');
  return ctx;
}

/**
 * A user the exchange has not seen yet (accounts are created by their first deposit) has no
 * orders and no funds: the API answers 404 UNKNOWN_USER, which is an empty account, not an error.
 */
function isUnknownUser(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'UNKNOWN_USER';
}

/** A list request's answer: its value, an empty list for an unknown user, or null when it failed. */
function valueOf<T>(r: PromiseSettledResult<T[]>): T[] | null {
  if (r.status === 'fulfilled') return r.value;
  return isUnknownUser(r.reason) ? [] : null;
}

/** Available balance of one asset ("0" when the user holds none; null while loading). */
export function availableOf(balances: Balance[] | null, asset: string): string | null {
  if (!balances) return null;
  return balances.find((b) => b.asset === asset)?.available ?? '0';
}
