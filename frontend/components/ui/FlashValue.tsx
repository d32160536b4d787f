'use client';
import { useEffect, useState } from 'react';
import { cmp, isDecimal } from '@/lib/decimal';

/** How long a flash lasts after the last move (app/globals.css: a still tint, no animation). */
const FLASH_MS = 600;

/** Shows a formatted value and briefly flashes green/red when the underlying decimal moves. */
export function FlashValue({ value, text, className, testId }: { value: string; text: string; className?: string; testId?: string }) {
  const [previous, setPrevious] = useState(value);
  const [flash, setFlash] = useState<'up' | 'down' | null>(null);
  // The direction is worked out while rendering (React renders again at once, before committing)
  // rather than in an effect, which cost a second commit of the page for every price change.
  if (value !== previous) {
    setPrevious(value);
    if (isDecimal(previous) && isDecimal(value)) setFlash(cmp(value, previous) > 0 ? 'up' : 'down');
  }
  // The class stays while the price keeps moving, and goes FLASH_MS after the last move, so the
  // next move flashes again.
  useEffect(() => {
    if (flash === null) return;
    const t = setTimeout(() => setFlash(null), FLASH_MS);
    return () => clearTimeout(t);
  }, [flash, value]);
  return (
    <span className={`${className ?? ''} ${flash ? `flash-${flash}` : ''}`} data-testid={testId}>
      {text}
    </span>
  );
}
