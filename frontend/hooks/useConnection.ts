'use client';
import { useSyncExternalStore } from 'react';
import { getSocket, type ConnectionInfo } from '@/lib/ws';

const SERVER_INFO: ConnectionInfo = { state: 'connecting', attempt: 0, session: 0 };

/** The page's WebSocket connection state (re-renders on every change). */
export function useConnection(): ConnectionInfo {
  return useSyncExternalStore(
    (onChange) => getSocket().onConnection(onChange),
    () => getSocket().connection,
    () => SERVER_INFO,
  );
}
