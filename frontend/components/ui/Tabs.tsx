'use client';
import type { ReactNode } from 'react';

export interface TabItem<K extends string> {
  key: K;
  label: ReactNode;
}

/** A row of tab buttons; the owner keeps which one is selected. */
export function Tabs<K extends string>({ items, selected, onSelect, className }: {
  items: readonly TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
  className?: string;
}) {
  return (
    <div className={`tabs ${className ?? ''}`} role="tablist">
      {items.map((it) => (
        <button
          key={it.key}
          type="button"
          role="tab"
          aria-selected={it.key === selected}
          className={`tab ${it.key === selected ? 'tab-on' : ''}`}
          data-testid={`tab-${it.key}`}
          onClick={() => onSelect(it.key)}
        >
          {it.label}
        </button>
      ))}
    </div>
  );
}
