'use client';
import { useSyncExternalStore } from 'react';
import { getSocket, type ConnectionInfo, type UnsubscribedStream } from '@/lib/ws';

const SERVER_INFO: ConnectionInfo = { state: 'connecting', attempt: 0, session: 0, unsubscribed: [] };

/** The page's WebSocket connection state (re-renders on every change). */
export function useConnection(): ConnectionInfo {
  return useSyncExternalStore(
    (onChange) => getSocket().onConnection(onChange),
    () => getSocket().connection,
    () => SERVER_INFO,
  );
}

/**
 * Why `stream` is not subscribed on the open connection (the exchange refused it, or it waits for
 * room: lib/ws.ts), or null: then it is live, or being subscribed, or the connection is down
 * (which the connection's state says).
 */
export function useStreamProblem(stream: string): UnsubscribedStream | null {
  return useConnection().unsubscribed.find((u) => u.stream === stream) ?? null;
}
