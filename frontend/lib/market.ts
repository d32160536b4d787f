/** Market symbols and the trade page's URL (`/trade/BASE_QUOTE`). */

export function tradePath(symbol: string): string {
  return `/trade/${encodeURIComponent(symbol)}`;
}

/** `/trade/<symbol>`, the symbol captured (also used by the page's early-request script). */
export const TRADE_PATH_PATTERN = '^/trade/([^/]+)/?$';

/** The market named by a `/trade/<symbol>` path (null for any other path). */
export function marketFromPath(pathname: string): string | null {
  const m = new RegExp(TRADE_PATH_PATTERN).exec(pathname);
  if (!m?.[1]) return null;
  const symbol = decodeURIComponent(m[1]);
  return symbol === '_' ? null : symbol;
}

/** "TATA_INR" -> ["TATA", "INR"], used before the market list has loaded. */
export function splitSymbol(symbol: string): [base: string, quote: string] {
  const at = symbol.indexOf('_');
  return at < 0 ? [symbol, ''] : [symbol.slice(0, at), symbol.slice(at + 1)];
}

/**
 * The market a URL names: its symbol as the exchange spells it, or in any other case
 * (`/trade/tata_inr` is TATA_INR; symbols differ by more than case).
 */
export function findMarket<M extends { symbol: string }>(markets: readonly M[], symbol: string): M | null {
  return markets.find((m) => m.symbol === symbol) ?? markets.find((m) => m.symbol.toUpperCase() === symbol.toUpperCase()) ?? null;
}
