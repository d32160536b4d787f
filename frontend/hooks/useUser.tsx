'use client';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { isUserId } from '@/lib/userId';

/** Demo users created by the exchange's --demo option; any other id may be typed in. */
export const DEMO_USERS = ['1', '2', '5'] as const;
export const DEFAULT_USER = '5';
const STORAGE_KEY = 'exchange.userId';

interface UserState {
  userId: string;
  setUserId: (id: string) => void;
}

const UserContext = createContext<UserState>({ userId: DEFAULT_USER, setUserId: () => undefined });

/** Who the page trades as, until sign-in exists: remembered in localStorage (only an id the exchange takes). */
export function UserProvider({ children }: { children: ReactNode }) {
  const [userId, setUser] = useState<string>(DEFAULT_USER);
  useEffect(() => {
    // One saved before ids were checked may be one the exchange refuses: not used.
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved && isUserId(saved)) setUser(saved.trim());
  }, []);
  const setUserId = useCallback((id: string) => {
    const trimmed = id.trim();
    if (!isUserId(trimmed)) return;
    setUser(trimmed);
    window.localStorage.setItem(STORAGE_KEY, trimmed);
  }, []);
  return <UserContext.Provider value={{ userId, setUserId }}>{children}</UserContext.Provider>;
}

export function useUser(): UserState {
  return useContext(UserContext);
}
