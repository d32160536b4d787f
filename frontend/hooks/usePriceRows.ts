'use client';
import { useCallback, useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';

/** A row that hands its price to the order form: `role=button` and `data-price` (OrderBook, RecentTrades). */
const ROW = '[role=button][data-price]';

const rowsOf = (list: HTMLElement) => Array.from(list.querySelectorAll<HTMLElement>(ROW));

/**
 * Rows of prices that the order form takes when one is clicked, or chosen from the keyboard: the
 * list is one tab stop (roving tabindex, as a toolbar or listbox does), the arrow keys, Home and
 * End move between its rows, Enter or Space takes the focused row's price. Tab first reaches the
 * row at `start`. The book and the trades
 * hold dozens to hundreds of rows; a tab stop each would make Tab walk through all of them.
 *
 * Clicks and keys are handled once on the list, not by each row: the rows of a book that redraws
 * ten times a second are memoised, and a handler per row would be one more prop to compare. Rows
 * are found in the DOM when a key is pressed, so a list whose rows change under the focus moves
 * from where the focus is.
 */
export function usePriceRows(onPick: (price: string) => void, count: number, start = 0) {
  // Null until a row was focused: the tab stop is then `start` (the book's best ask, next to the
  // spread, where a trader looks first; the newest trade), wherever the list's rows move.
  const [active, setActive] = useState<number | null>(null);

  const onClick = useCallback((e: MouseEvent<HTMLElement>) => {
    const price = (e.target as HTMLElement).closest<HTMLElement>(ROW)?.dataset.price;
    if (price) onPick(price);
  }, [onPick]);

  // A row focused any way (a click, a key, the browser) is where Tab comes back to.
  const onFocus = useCallback((e: FocusEvent<HTMLElement>) => {
    const i = rowsOf(e.currentTarget).indexOf(e.target as HTMLElement);
    if (i >= 0) setActive(i);
  }, []);

  const onKeyDown = useCallback((e: KeyboardEvent<HTMLElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>(ROW);
    if (!row) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();   // Space would scroll the list
      if (row.dataset.price) onPick(row.dataset.price);
      return;
    }
    const rows = rowsOf(e.currentTarget);
    const at = rows.indexOf(row);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, to))]?.focus();
  }, [onPick]);

  return {
    /** The index of the row that takes the list's tab stop (`tabIndex` 0; the others -1). */
    tabStop: Math.min(active ?? start, count - 1),
    listProps: { role: 'toolbar', 'aria-orientation': 'vertical' as const, onClick, onFocus, onKeyDown },
  };
}
