/**
 * A newest-first list that the API pages (`before` = the id of the list's last row) and that live
 * updates keep adding to at the top: the account's order history and fills. Pure: the hook
 * (hooks/useAccount.tsx) holds the state, these functions say what each answer does to it.
 *
 * Rows come from three places: storage's newest page (each reload of the account), older pages
 * (Load older, below the list's last stored row) and live events (the stream; fills only). The
 * invariant that makes `before` safe: the list's stored rows are one unbroken run of storage's
 * rows, every stored row between the newest and the oldest the list has is in it. A reload whose
 * newest page does not reach the list's stored rows (more new rows than a page since the last
 * reload) would leave a hole that no `before` of the last row can fill, so the rows below the
 * page are let go instead; Load older brings them again.
 */

export interface ListRules<T> {
  /** One row per key. */
  key(row: T): string;
  /** The API's order, newest first: negative when `a` is newer than `b`. */
  compare(a: T, b: T): number;
  /** Whether `incoming` takes the place of `have`, a row with the same key. */
  replaces(incoming: T, have: T): boolean;
  /** Whether the row came from storage (a page) rather than a live event. */
  stored(row: T): boolean;
  /** The row's id as a page's `before`. */
  cursor(row: T): string;
}

export interface PagedList<T> {
  /** Newest first, one per key. */
  readonly rows: readonly T[];
  /** Whether storage has answered (until then `rows` holds live rows only). */
  readonly loaded: boolean;
  /** Whether the last row is storage's oldest: a page came back shorter than asked. */
  readonly end: boolean;
  /** Rows kept at most: the oldest beyond it are let go (and can be loaded again). */
  readonly keep: number;
  /** What `keep` starts at, and the room left for new rows above the older pages loaded. */
  readonly base: number;
}

export function emptyList<T>(keep: number): PagedList<T> {
  return { rows: [], loaded: false, end: false, keep, base: keep };
}

/**
 * `rows` with `incoming` added: one row per key (`replaces` decides which of two stays), sorted
 * newest first. Returns `rows` itself when nothing changed.
 */
export function mergeRows<T>(rows: readonly T[], incoming: readonly T[], rules: ListRules<T>): readonly T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(rules.key(r), r);
  let changed = false;
  for (const r of incoming) {
    const key = rules.key(r);
    const have = byKey.get(key);
    if (have !== undefined && !rules.replaces(r, have)) continue;
    byKey.set(key, r);
    changed = true;
  }
  if (!changed) return rows;
  return [...byKey.values()].sort((a, b) => rules.compare(a, b));
}

/** `list` with `rows` in place and at most `keep` of them; a cut-off list has no end. */
function withRows<T>(list: PagedList<T>, rows: readonly T[], changes: Partial<PagedList<T>> = {}): PagedList<T> {
  const next = { ...list, ...changes };
  if (rows.length > next.keep) return { ...next, rows: rows.slice(0, next.keep), end: false };
  return { ...next, rows };
}

/** Rows from live events (the stream): added at their place. Returns `list` when nothing changed. */
export function addLive<T>(list: PagedList<T>, incoming: readonly T[], rules: ListRules<T>): PagedList<T> {
  const rows = mergeRows(list.rows, incoming, rules);
  return rows === list.rows ? list : withRows(list, rows);
}

/**
 * Storage's newest rows (a reload: at most `limit`, newest first). A page shorter than `limit` is
 * all there is: the list then reaches the end. A full page that does not reach the list's newest
 * stored row may have a hole under it: the rows older than the page's oldest are let go. A page
 * older than all the list's stored rows (overtaken by a later answer) changes nothing.
 */
export function addNewest<T>(list: PagedList<T>, page: readonly T[], limit: number, rules: ListRules<T>): PagedList<T> {
  const stored = list.rows.filter((r) => rules.stored(r));
  const newestStored = stored[0];
  const oldestStored = stored[stored.length - 1];
  const newest = page[0];
  const oldest = page[page.length - 1];
  if (oldestStored !== undefined && (newest === undefined || rules.compare(newest, oldestStored) > 0)) return list;
  let current = list.rows;
  let end = list.end;
  if (page.length < limit) {
    end = true;
  } else if (oldest !== undefined && (newestStored === undefined || rules.compare(oldest, newestStored) < 0)) {
    current = current.filter((r) => rules.compare(r, oldest) <= 0);
    end = false;
  }
  const rows = mergeRows(current, page, rules);
  if (rows === list.rows && list.loaded && end === list.end) return list;
  return withRows(list, rows, { loaded: true, end });
}

/**
 * The `before` of the next older page: the id of the list's oldest stored row. Null while storage
 * has not answered, at the end, and when the list holds no stored row.
 */
export function olderCursor<T>(list: PagedList<T>, rules: ListRules<T>): string | null {
  if (!list.loaded || list.end) return null;
  for (let i = list.rows.length - 1; i >= 0; i--) {
    const r = list.rows[i] as T;
    if (rules.stored(r)) return rules.cursor(r);
  }
  return null;
}

/**
 * An older page: storage's rows below `before` (asked with `limit`), appended. They stay: `keep`
 * grows to hold them and `base` more rows above. A page shorter than `limit` is the end. A page
 * whose `before` is no longer the list's oldest stored row (the list changed under the request:
 * a reload let its rows go, or another user or market) is dropped, as it might not join the list.
 */
export function addOlder<T>(list: PagedList<T>, page: readonly T[], before: string, limit: number, rules: ListRules<T>): PagedList<T> {
  if (olderCursor(list, rules) !== before) return list;
  const rows = mergeRows(list.rows, page, rules);
  return withRows(list, rows, { end: page.length < limit, keep: Math.max(list.keep, rows.length + list.base) });
}
