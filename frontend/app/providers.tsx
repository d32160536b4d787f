'use client';
import type { ReactNode } from 'react';
import { ToastProvider } from '@/components/ui/Toasts';
import { UserProvider } from '@/hooks/useUser';

export function Providers({ children }: { children: ReactNode }) {
  return (
    <UserProvider>
      <ToastProvider>{children}</ToastProvider>
    </UserProvider>
  );
}
