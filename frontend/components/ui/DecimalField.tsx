'use client';
import { useId, type KeyboardEvent, type Ref } from 'react';
import { stepValue } from '@/lib/orderForm';

/**
 * A decimal input with -/+ buttons moving by one step. What is typed is kept as typed (never
 * rewritten: a dropped "." or "-" would make it another number); `error` says what is wrong with
 * it. The label names the input only (clicking it focuses the input; the buttons are not part of
 * it). The -/+ buttons are for the mouse: out of the tab order, so Tab goes from field to field
 * and Enter submits the form; from the keyboard, ArrowUp and ArrowDown in the input step it.
 */
export function DecimalField({ label, value, onChange, step, suffix, testId, disabled, placeholder, stepFrom, error, inputRef }: {
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
  inputRef?: Ref<HTMLInputElement>;
}) {
  const inputId = useId();
  const suffixId = useId();
  const errorId = useId();
  const stepBy = (direction: 1 | -1) => onChange(stepValue(value, step, direction, stepFrom));
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || disabled) return;
    e.preventDefault();
    stepBy(e.key === 'ArrowUp' ? 1 : -1);
  };
  const describedBy = [suffix ? suffixId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const name = label.toLowerCase();
  return (
    <div className={`field ${disabled ? 'field-disabled' : ''} ${error ? 'field-invalid' : ''}`}>
      <label className="field-label" htmlFor={inputId}>{label}</label>
      <span className="field-box">
        <button type="button" className="field-step" aria-label={`Decrease ${name} by ${step}`} aria-controls={inputId} disabled={disabled} tabIndex={-1}
          onClick={() => stepBy(-1)}>−</button>
        <input
          id={inputId}
          ref={inputRef}
          className="field-input"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={placeholder}
          disabled={disabled}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {suffix ? <span className="field-suffix" id={suffixId}>{suffix}</span> : null}
        <button type="button" className="field-step" aria-label={`Increase ${name} by ${step}`} aria-controls={inputId} disabled={disabled} tabIndex={-1}
          onClick={() => stepBy(1)}>+</button>
      </span>
      {error ? <span className="field-error" id={errorId} data-testid={testId ? `${testId}-error` : undefined}>{error}</span> : null}
    </div>
  );
}
