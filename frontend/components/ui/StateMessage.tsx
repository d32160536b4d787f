import type { ReactNode } from 'react';

/** Placeholder shown instead of content: loading, empty, or an error. */
export function StateMessage({ kind, children }: { kind: 'loading' | 'empty' | 'error'; children: ReactNode }) {
  return (
    <div className={`state state-${kind}`} data-testid={`state-${kind}`} role={kind === 'error' ? 'alert' : undefined}>
      {kind === 'loading' ? <span className="spinner" aria-hidden /> : null}
      <span>{children}</span>
    </div>
  );
}
