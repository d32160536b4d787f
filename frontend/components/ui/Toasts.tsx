'use client';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

/** success: a fill; warning: nothing filled, or an order closed by the exchange; info: neutral. */
export type ToastKind = 'success' | 'error' | 'info' | 'warning';

interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  detail?: string;
}

type Notify = (kind: ToastKind, title: string, detail?: string) => void;

const ToastContext = createContext<Notify>(() => undefined);

const SHOW_MS = 4000;
/** Warnings and errors stay longer: they tell of something the trader did not ask for. */
const SHOW_LONG_MS = 8000;
const MAX_SHOWN = 4;

/** Short-lived notifications in a corner of the screen (order placed, filled, failed...). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const notify = useCallback<Notify>((kind, title, detail) => {
    const id = nextId.current++;
    setToasts((prev) => [...prev, { id, kind, title, detail }].slice(-MAX_SHOWN));
    setTimeout(() => setToasts((prev) => prev.filter((t) => t.id !== id)), kind === 'warning' || kind === 'error' ? SHOW_LONG_MS : SHOW_MS);
  }, []);
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind}>
            <div className="toast-title">{t.title}</div>
            {t.detail ? <div className="toast-detail">{t.detail}</div> : null}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  return useContext(ToastContext);
}
