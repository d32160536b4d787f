'use client';
import { useEffect, useRef, useState } from 'react';
import { cmp, isDecimal } from '@/lib/decimal';

/** Shows a formatted value and briefly flashes green/red when the underlying decimal moves. */
export function FlashValue({ value, text, className, testId }: { value: string; text: string; className?: string; testId?: string }) {
  const previous = useRef(value);
  const [flash, setFlash] = useState<'up' | 'down' | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = value;
    if (before === value || !isDecimal(before) || !isDecimal(value)) return;
    setFlash(cmp(value, before) > 0 ? 'up' : 'down');
    const t = setTimeout(() => setFlash(null), 600);
    return () => clearTimeout(t);
  }, [value]);
  return (
    <span className={`${className ?? ''} ${flash ? `flash-${flash}` : ''}`} data-testid={testId}>
      {text}
    </span>
  );
}
