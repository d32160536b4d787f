/**
 * A head start for the first load: the page's first GET requests are sent by a small inline
 * script in <head> (lib/earlyFetchScript.ts) while the bundles still download, instead of after
 * React has started. The REST client then takes the early response for the same URL, once,
 * instead of asking again. Only first displays use them: the order book still resynchronises from
 * a fresh snapshot once its stream is active.
 */

export const EARLY_GLOBAL = '__exchangeEarlyRequests';
const MAX_AGE_MS = 5000;

interface EarlyRequest {
  at: number;
  response: Promise<Response>;
}

/** The early response for `url` if one was started recently (each is handed out once). */
export function takeEarlyResponse(url: string): Promise<Response> | null {
  if (typeof window === 'undefined') return null;
  const store = (window as unknown as Record<string, Record<string, EarlyRequest> | undefined>)[EARLY_GLOBAL];
  const entry = store?.[url];
  if (!store || !entry) return null;
  delete store[url];
  return Date.now() - entry.at < MAX_AGE_MS ? entry.response : null;
}
