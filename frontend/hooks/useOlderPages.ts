'use client';
import { useCallback, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { errorText } from '@/lib/api';
import { addOlder, olderCursor, type ListRules, type PagedList } from '@/lib/paging';

/** Load older for one paged list (lib/paging.ts): what the control shows, and its action. */
export interface OlderPages {
  /** Whether older rows may exist: false before storage's first answer and at the end. */
  more: boolean;
  loading: boolean;
  /** Why the last try failed (cleared by the next). */
  error: string | null;
  /** Asks for the page below the list's last row (nothing while one is under way). */
  load: () => void;
}

interface RequestState {
  epoch: object;
  loading: boolean;
  error: string | null;
}

/**
 * Older pages of `list`, one request at a time. `key` names whose list it is (user and market): a
 * new key starts afresh, and an answer for an earlier one is dropped, as is one whose `before` is
 * no longer the list's last row when it comes (lib/paging.ts addOlder).
 */
export function useOlderPages<T>(
  key: string,
  list: PagedList<T>,
  setList: Dispatch<SetStateAction<PagedList<T>>>,
  fetchPage: (before: string) => Promise<T[]>,
  limit: number,
  rules: ListRules<T>,
): OlderPages {
  // A new object per key: A -> B -> A is a new epoch, unlike the key.
  const epochOf = useRef<{ key: string; epoch: object }>({ key, epoch: {} });
  if (epochOf.current.key !== key) epochOf.current = { key, epoch: {} };
  const epoch = epochOf.current.epoch;
  const currentEpoch = useRef(epoch);
  currentEpoch.current = epoch;
  const listRef = useRef(list);
  listRef.current = list;
  const inFlight = useRef<object | null>(null);
  const [request, setRequest] = useState<RequestState>({ epoch, loading: false, error: null });

  const load = useCallback(() => {
    const before = olderCursor(listRef.current, rules);
    if (before === null || inFlight.current === epoch) return;
    inFlight.current = epoch;
    setRequest({ epoch, loading: true, error: null });
    fetchPage(before).then(
      (page) => {
        if (currentEpoch.current !== epoch) return;
        setList((l) => addOlder(l, page, before, limit, rules));
        setRequest({ epoch, loading: false, error: null });
      },
      (e: unknown) => {
        if (currentEpoch.current !== epoch) return;
        setRequest({ epoch, loading: false, error: errorText(e) });
      },
    ).finally(() => {
      if (inFlight.current === epoch) inFlight.current = null;
    });
  }, [epoch, fetchPage, limit, rules, setList]);

  const more = olderCursor(list, rules) !== null;
  const loading = request.epoch === epoch && request.loading;
  const error = request.epoch === epoch ? request.error : null;
  return useMemo(() => ({ more, loading, error, load }), [more, loading, error, load]);
}
