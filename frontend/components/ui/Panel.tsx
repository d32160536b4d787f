import type { ReactNode } from 'react';

/** A titled card of the trade screen. */
export function Panel({ title, actions, className, children, testId }: {
  title?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      {title || actions ? (
        <header className="panel-head">
          <h2 className="panel-title">{title}</h2>
          {actions ? <div className="panel-actions">{actions}</div> : null}
        </header>
      ) : null}
      <div className="panel-body">{children}</div>
    </section>
  );
}
