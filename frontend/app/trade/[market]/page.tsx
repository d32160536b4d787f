import { TradeView } from '@/components/trade/TradeView';

/**
 * Exported pages: the default markets, plus `_`, the placeholder the exchange serves for any other
 * `/trade/<market>` (its static server falls back to `/trade/_.html`); the page reads the market
 * from the URL in the browser.
 */
export function generateStaticParams(): { market: string }[] {
  return [{ market: 'TATA_INR' }, { market: 'INFY_INR' }, { market: '_' }];
}

export const dynamicParams = false;

export default async function TradePage({ params }: { params: Promise<{ market: string }> }) {
  const { market } = await params;
  return <TradeView initialMarket={market === '_' ? null : decodeURIComponent(market)} />;
}
