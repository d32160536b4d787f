'use client';
import { StateMessage } from '@/components/ui/StateMessage';
import { useAccount } from '@/hooks/useAccount';

/**
 * A tab whose list has not loaded yet: loading, or, once a load failed, why, and that the page
 * keeps trying (the account reloads every 10 s; useAccount). One state, not a spinner under an
 * error: the panel's header leaves this error to the tab (AccountPanel).
 */
export function AccountLoading({ what }: { what: string }) {
  const { error } = useAccount();
  return error
    ? <StateMessage kind="error">Could not load {what}: {error} — retrying…</StateMessage>
    : <StateMessage kind="loading">Loading {what}…</StateMessage>;
}
