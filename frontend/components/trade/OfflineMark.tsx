'use client';
import { useEffect, useRef } from 'react';
import { useConnection } from '@/hooks/useConnection';

/**
 * Marks the trade view (`data-offline` on the element right after it) while the connection is lost,
 * so that the live panels (ticker, chart, trades, book) are drawn dimmed: what they show stopped
 * moving. A component of its own so that only it re-renders when the connection changes; not
 * while first connecting, when the page shows what it has just loaded.
 */
export function OfflineMark() {
  const { state } = useConnection();
  const mark = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const view = mark.current?.nextElementSibling;
    if (!(view instanceof HTMLElement)) return;
    if (state === 'reconnecting') view.dataset.offline = 'true';
    else delete view.dataset.offline;
  }, [state]);
  return <span ref={mark} hidden />;
}
