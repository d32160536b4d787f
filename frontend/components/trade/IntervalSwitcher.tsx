'use client';
import { INTERVALS, type Interval } from '@/lib/intervals';

export function IntervalSwitcher({ value, onChange }: { value: Interval; onChange: (i: Interval) => void }) {
  return (
    <div className="intervals" role="group" aria-label="Candle interval">
      {INTERVALS.map((i) => (
        <button key={i} type="button" className={`interval ${i === value ? 'interval-on' : ''}`}
          aria-pressed={i === value} data-testid={`interval-${i}`} onClick={() => onChange(i)}>
          {i}
        </button>
      ))}
    </div>
  );
}
