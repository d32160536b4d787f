'use client';
import { useId } from 'react';
import { stepValue } from '@/lib/orderForm';

/**
 * A decimal input with -/+ buttons moving by one step. What is typed is kept as typed (never
 * rewritten: a dropped "." or "-" would make it another number); `error` says what is wrong with
 * it. The -/+ buttons are for the mouse: out of the tab order, so Tab goes from field to field
 * and Enter submits the form.
 */
export function DecimalField({ label, value, onChange, step, suffix, testId, disabled, placeholder, stepFrom, error }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  step: string;
  suffix?: string;
  testId?: string;
  disabled?: boolean;
  placeholder?: string;
  /** Where -/+ start from when the field is empty (e.g. the last price). */
  stepFrom?: string;
  /** What is wrong with the text typed, shown under the field. */
  error?: string | null;
}) {
  const errorId = useId();
  return (
    <label className={`field ${disabled ? 'field-disabled' : ''} ${error ? 'field-invalid' : ''}`}>
      <span className="field-label">{label}</span>
      <span className="field-box">
        <button type="button" className="field-step" aria-label={`decrease ${label}`} disabled={disabled} tabIndex={-1}
          onClick={() => onChange(stepValue(value, step, -1, stepFrom))}>−</button>
        <input
          className="field-input"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={placeholder}
          disabled={disabled}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {suffix ? <span className="field-suffix">{suffix}</span> : null}
        <button type="button" className="field-step" aria-label={`increase ${label}`} disabled={disabled} tabIndex={-1}
          onClick={() => onChange(stepValue(value, step, 1, stepFrom))}>+</button>
      </span>
      {error ? <span className="field-error" id={errorId} data-testid={testId ? `${testId}-error` : undefined}>{error}</span> : null}
    </label>
  );
}
