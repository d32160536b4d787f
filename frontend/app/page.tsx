import { MarketsView } from '@/components/markets/MarketsView';

export default function HomePage() {
  return <MarketsView />;
}
