'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useToast } from '@/components/ui/Toasts';
import { ApiError, api, errorText } from '@/lib/api';
import { FILL_RULES, KEEP_FILLS, LOAD_FILLS, liveFill, storedFill } from '@/lib/fills';
import { fillNotices, type RestingFill } from '@/lib/fillNotices';
import { LOAD_HISTORY, ORDER_RULES } from '@/lib/orderHistory';
import { ClosureReporter, LostOrderFinder, OrderWatch, type Outgoing, type PlacedStore } from '@/lib/closedOrders';
import { closureNotices, depthTouchesMine, lostAnswerNotice, restingByLevel } from '@/lib/orderNotices';
import { addLive, addNewest, emptyList, type PagedList } from '@/lib/paging';
import { FIRST_VIEW, FIRST_VIEW_WAIT_MS, afterShown } from '@/lib/readiness';
import type { AccountFill, Balance, Market, OpenOrder, Order, PlacedOrder, Side } from '@/lib/types';
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
  /**
   * Records an order just placed from this page: its side, so its fills can show it, and that it
   * is this page's (its closing by the exchange or another session is news; lib/closedOrders.ts).
   */
  rememberOrder: (orderId: string, side: Side) => void;
  /**
   * Orders this page is closing (a cancel from here): their leaving open orders is no news. Call
   * `closing(ids, false)` when the cancel failed.
   */
  closing: (orderIds: readonly string[], expected?: boolean) => void;
  /**
   * An order is about to be sent from this page: the user's open orders it may cross are kept for
   * its answer, which shows which it met, so that their cancel by self-trade prevention is told as
   * such (one that leaves the open orders before the answer waits for it). Returns a token for
   * `answered`.
   */
  sending: (order: Outgoing) => number;
  /**
   * The order of `token` got the exchange's answer (the orders it shows it reached are noted, the
   * others no longer), was refused ('refused'), or got no answer ('unknown': it is looked up by its
   * clientOrderId and told when found, or that it was not; if the open orders list it first, it is
   * remembered as this page's).
   */
  answered: (token: number, answer: PlacedOrder | 'refused' | 'unknown') => void;
  /**
   * The clientOrderId of the last order whose answer was lost and whose outcome the lookups then
   * settled (found, or the exchange has no such order): the order form's "may have been placed"
   * has done its work, a toast says what became of it.
   */
  lostSettled: string | null;
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
  /**
   * Which orders the page tells about when they close (placed here, crossed by an order from
   * here) and which not (cancelled here, placed elsewhere): lib/closedOrders.ts.
   */
  const watch = useMemo(() => new OrderWatch(placedStore(userId, market)), [userId, market]);
  const reporter = useRef<ClosureReporter | null>(null);
  const finder = useRef<LostOrderFinder | null>(null);
  /**
   * What the user's open orders placed from this page rest at each level (`side:price` ->
   * quantity), for depth updates.
   */
  const resting = useRef<ReadonlyMap<string, string>>(new Map());
  /**
   * Fills of the user's resting orders (listed in the open orders when they came), kept until a
   * load of the open orders that started after them shows which of those orders are still open:
   * then told (lib/fillNotices.ts), together.
   */
  const restingFills = useRef<RestingFill[]>([]);
  const [depositRequests, setDepositRequests] = useState(0);
  const [lostSettled, setLostSettled] = useState<string | null>(null);
  const marketRef = useRef(marketInfo);
  marketRef.current = marketInfo;
  const running = useRef<{ key: string; promise: Promise<void>; again: boolean } | null>(null);
  const key = `${userId}|${market}`;
  const currentKey = useRef(key);
  currentKey.current = key;

  // Orders that left the open orders without a cancel from this page: how they closed is looked up
  // in batches and told together (one toast per cause for a burst).
  useEffect(() => {
    const r = new ClosureReporter({
      recent: (limit) => api.orders(userId, market, limit),
      one: (id) => api.order(id, market),
      report: (closures) => {
        for (const n of closureNotices(closures, marketRef.current)) notify(n.kind, n.title, n.detail);
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    reporter.current = r;
    return () => {
      r.stop();
      if (reporter.current === r) reporter.current = null;
    };
  }, [userId, market, notify]);

  // Orders from this page whose answer was lost: looked up by their clientOrderId until found or
  // listed in the open orders (one that closed at once never is), and told like an answer.
  useEffect(() => {
    const f = new LostOrderFinder({
      lookUp: (cid) => api.orderByClientId(userId, market, cid).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'UNKNOWN_ORDER') return null;
        throw e;
      }),
      lost: (cid) => watch.expects(cid),
      found: (sent, order) => {
        sides.current.set(order.orderId, order.side);
        watch.recognised(sent.clientOrderId, order.orderId, Date.now());
        const n = lostAnswerNotice(sent.side, order, marketRef.current);
        setLostSettled(sent.clientOrderId);
        notify(n.kind, n.title, n.detail);
      },
      notFound: (sent, asked) => {
        watch.forget(sent.clientOrderId);
        const n = lostAnswerNotice(sent.side, null, marketRef.current, asked);
        if (asked) setLostSettled(sent.clientOrderId);
        notify(n.kind, n.title, n.detail);
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    finder.current = f;
    return () => {
      f.stop();
      if (finder.current === f) finder.current = null;
    };
  }, [userId, market, notify, watch]);

  const loadOnce = useCallback(async (): Promise<void> => {
    const forKey = key;
    const startedAt = Date.now();
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
      watch.listed(openValue, startedAt);
      const before = lastOpen.current;
      lastOpen.current = openValue;
      setOpenOrders(openValue);
      if (before) {
        const gone = watch.vanished(before, openValue, startedAt);
        if (gone.length > 0) reporter.current?.add(gone);
      }
      resting.current = restingByLevel(openValue.filter((o) => watch.isPlacedHere(o.orderId)));
      const due = restingFills.current.filter((r) => r.fill.receivedAt <= startedAt);
      if (due.length > 0) {
        restingFills.current = restingFills.current.filter((r) => r.fill.receivedAt > startedAt);
        for (const n of fillNotices(due, openValue, marketRef.current)) notify(n.kind, n.title, n.detail);
      }
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
  }, [key, userId, market, watch, notify]);

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
    resting.current = new Map();
    setHistory(emptyList(LOAD_HISTORY));
    setBalances(null);
    setFills(emptyList(KEEP_FILLS));
    setError(null);
    restingFills.current = [];
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
        // An order the open orders listed: one that rested, now met (an order on its way from
        // this page is not listed yet: its answer tells its fills).
        const order = lastOpen.current?.find((o) => o.orderId === f.orderId);
        if (order) restingFills.current.push({ fill: f, order });
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
  const rememberOrder = useCallback((orderId: string, side: Side) => {
    sides.current.set(orderId, side);
    watch.placedHere(orderId, Date.now());
  }, [watch]);
  const closing = useCallback((orderIds: readonly string[], expected = true) => watch.closingHere(orderIds, expected), [watch]);
  const sending = useCallback((order: Outgoing) => watch.sending(order, lastOpen.current, Date.now()), [watch]);
  const answered = useCallback((token: number, answer: PlacedOrder | 'refused' | 'unknown') => {
    const { settled, lost } = watch.answered(token, answer, Date.now());
    // Orders that left the open orders while it was on its way: now it is known whether it met them.
    if (settled.length > 0) reporter.current?.add(settled);
    if (lost) finder.current?.find(lost);
  }, [watch]);
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
      error, refresh, sideOf, rememberOrder, closing, sending, answered, lostSettled, depositRequests, requestDeposit,
    }),
    [userId, market, openOrders, historyRows, olderHistory, balances, fills, olderFills, error, refresh, sideOf, rememberOrder, closing,
      sending, answered, lostSettled, depositRequests, requestDeposit],
  );
  return <AccountContext.Provider value={value}>{children}</AccountContext.Provider>;
}

export function useAccount(): AccountState {
  const ctx = useContext(AccountContext);
  if (!ctx) throw new Error('useAccount needs an AccountProvider');
  return ctx;
}

/**
 * The orders placed from this page, kept for this tab (sessionStorage), so that a reload still
 * knows them; nothing on the server (at build time) or where storage is refused.
 */
function placedStore(userId: string, market: string): PlacedStore | null {
  if (typeof window === 'undefined') return null;
  const key = `exchange.placedHere.${userId}.${market}`;
  return {
    load: () => {
      try {
        const v: unknown = JSON.parse(window.sessionStorage.getItem(key) ?? '[]');
        return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      } catch {
        return [];
      }
    },
    save: (ids) => {
      try {
        window.sessionStorage.setItem(key, JSON.stringify(ids));
      } catch {
        // storage full or refused: remembered for this page only
      }
    },
  };
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
