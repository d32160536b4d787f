import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/layout/AppHeader';
import { earlyFetchScript } from '@/lib/earlyFetchScript';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Exchange',
  description: 'Watch markets and trade on the exchange',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#0b0e11',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: await earlyFetchScript() }} />
      </head>
      <body>
        <Providers>
          <AppHeader />
          <main className="app-main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
