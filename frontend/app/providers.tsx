'use client';
import type { ReactNode } from 'react';
import { ToastProvider } from '@/components/ui/Toasts';
import { UserProvider } from '@/hooks/useUser';
import { prefetchForPage } from '@/lib/prefetch';

// Runs when the page's script loads, before React renders: the first requests start at once.
if (typeof window !== 'undefined') prefetchForPage(window.location.pathname);

export function Providers({ children }: { children: ReactNode }) {
  return (
    <UserProvider>
      <ToastProvider>{children}</ToastProvider>
    </UserProvider>
  );
}
