import { ConnectionBadge } from './ConnectionBadge';
import { TradeLink } from './TradeLink';
import { UserPicker } from './UserPicker';

/** The bar on top of every page: brand, navigation, connection state and user. */
export function AppHeader() {
  return (
    <header className="app-header">
      <a href="/" className="brand" aria-label="Exchange home">
        <span className="brand-mark" aria-hidden>◆</span>
        <span className="brand-name">Exchange</span>
      </a>
      <nav className="app-nav">
        <a href="/">Markets</a>
        <TradeLink />
      </nav>
      <div className="app-header-right">
        <ConnectionBadge />
        <UserPicker />
      </div>
    </header>
  );
}
