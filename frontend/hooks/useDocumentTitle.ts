'use client';
import { useEffect, useRef } from 'react';

/** Least time between two changes of the title. */
const TITLE_MS = 1000;

/**
 * Keeps the document's title at `title`, changing it at most once a second. Every change goes to
 * the browser's own process (the tab strip): done for each ticker event it cost the page more main
 * thread time than drawing the ticker itself.
 */
export function useDocumentTitle(title: string): void {
  const wanted = useRef(title);
  const last = useRef(-Infinity);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  wanted.current = title;
  useEffect(() => {
    if (timer.current !== null || document.title === wanted.current) return;
    const apply = () => {
      timer.current = null;
      last.current = performance.now();
      if (document.title !== wanted.current) document.title = wanted.current;
    };
    const wait = last.current + TITLE_MS - performance.now();
    if (wait <= 0) apply();
    else timer.current = setTimeout(apply, wait);
  }, [title]);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
}
