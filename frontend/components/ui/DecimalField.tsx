'use client';
import { decimalsOf } from '@/lib/decimal';
import { sanitizeDecimalInput, stepValue } from '@/lib/orderForm';

/** A decimal input limited to the precision of `step`, with -/+ buttons moving by one step. */
export function DecimalField({ label, value, onChange, step, suffix, testId, disabled, placeholder, stepFrom }: {
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
}) {
  const decimals = decimalsOf(step);
  return (
    <label className={`field ${disabled ? 'field-disabled' : ''}`}>
      <span className="field-label">{label}</span>
      <span className="field-box">
        <button type="button" className="field-step" aria-label={`decrease ${label}`} disabled={disabled}
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
          onChange={(e) => onChange(sanitizeDecimalInput(e.target.value, decimals))}
        />
        {suffix ? <span className="field-suffix">{suffix}</span> : null}
        <button type="button" className="field-step" aria-label={`increase ${label}`} disabled={disabled}
          onClick={() => onChange(stepValue(value, step, 1, stepFrom))}>+</button>
      </span>
    </label>
  );
}
