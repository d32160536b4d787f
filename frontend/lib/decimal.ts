/**
 * Exact decimal arithmetic on decimal strings ("1000.97", "-0.5", "12").
 *
 * Money never goes through binary floating point in this app: prices, quantities and totals are
 * kept as the strings the API sent, and any arithmetic (order totals, cumulative depth, percent of
 * balance) is done here on BigInt units. Results are canonical strings: no exponent, no trailing
 * fractional zeros, no leading "+", "-0" is "0".
 */

interface Fixed {
  /** value = units / 10^scale */
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

export function isDecimal(text: string): boolean {
  const m = DECIMAL_RE.exec(text.trim());
  return m !== null && ((m[2] ?? '') + (m[3] ?? '')).length > 0;
}

function parse(text: string): Fixed {
  const m = DECIMAL_RE.exec(text.trim());
  const intPart = m?.[2] ?? '';
  const fracPart = m?.[3] ?? '';
  if (!m || intPart.length + fracPart.length === 0) {
    throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  }
  const units = BigInt((intPart || '0') + fracPart);
  return { units: m[1] === '-' ? -units : units, scale: fracPart.length };
}

const POW10: bigint[] = [];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10.length === 0 ? 1n : (POW10[POW10.length - 1] as bigint) * 10n);
  return POW10[n] as bigint;
}

function rescale(x: Fixed, scale: number): bigint {
  return x.units * pow10(scale - x.scale);
}

function render(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    const int = digits.slice(0, digits.length - scale);
    const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return negative && units !== 0n ? `-${digits}` : digits;
}

/** Canonical form of a decimal string: "001.50" -> "1.5", "-0" -> "0". */
export function normalize(a: string): string {
  const x = parse(a);
  return render(x.units, x.scale);
}

export function add(a: string, b: string): string {
  const x = parse(a), y = parse(b);
  const s = Math.max(x.scale, y.scale);
  return render(rescale(x, s) + rescale(y, s), s);
}

export function sub(a: string, b: string): string {
  const x = parse(a), y = parse(b);
  const s = Math.max(x.scale, y.scale);
  return render(rescale(x, s) - rescale(y, s), s);
}

export function mul(a: string, b: string): string {
  const x = parse(a), y = parse(b);
  return render(x.units * y.units, x.scale + y.scale);
}

/** a / b rounded toward zero to `scale` fractional digits. Throws on division by zero. */
export function div(a: string, b: string, scale: number): string {
  const x = parse(a), y = parse(b);
  if (y.units === 0n) throw new Error('division by zero');
  // a/b = (xu / 10^xs) / (yu / 10^ys); scaled by 10^scale.
  const num = x.units * pow10(y.scale + scale);
  const den = y.units * pow10(x.scale);
  return render(num / den, scale);
}

/** -1, 0 or 1. */
export function cmp(a: string, b: string): number {
  const x = parse(a), y = parse(b);
  const s = Math.max(x.scale, y.scale);
  const d = rescale(x, s) - rescale(y, s);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
}

export function isZero(a: string): boolean {
  return parse(a).units === 0n;
}

export function isPositive(a: string): boolean {
  return parse(a).units > 0n;
}

export function min(a: string, b: string): string {
  return cmp(a, b) <= 0 ? a : b;
}

/** Number of fractional digits a step such as "0.01" allows (2); "1" -> 0, "0.5" -> 1. */
export function decimalsOf(step: string): number {
  return parse(normalize(step)).scale;
}

/** True when `value` is an exact multiple of `step` (step > 0). */
export function isMultipleOf(value: string, step: string): boolean {
  const x = parse(value), y = parse(step);
  const s = Math.max(x.scale, y.scale);
  const stepUnits = rescale(y, s);
  if (stepUnits <= 0n) throw new Error(`step must be positive: ${step}`);
  return rescale(x, s) % stepUnits === 0n;
}

/** The largest multiple of `step` that is <= |value|, with value's sign (truncation to a step). */
export function truncateToStep(value: string, step: string): string {
  const x = parse(value), y = parse(step);
  const s = Math.max(x.scale, y.scale);
  const stepUnits = rescale(y, s);
  if (stepUnits <= 0n) throw new Error(`step must be positive: ${step}`);
  const units = rescale(x, s);
  return render(units - (units % stepUnits), s);
}

/**
 * Exact integer scale factor used to sort many prices quickly: units at a fixed scale.
 * Prices with more than `scale` decimals would lose digits, so they are rejected.
 */
export function toScaledUnits(a: string, scale: number): bigint {
  const x = parse(a);
  if (x.scale > scale) {
    const drop = pow10(x.scale - scale);
    if (x.units % drop !== 0n) throw new Error(`${a} has more than ${scale} decimals`);
    return x.units / drop;
  }
  return rescale(x, scale);
}

/** Rough magnitude for visual proportions only (bar widths); never for money. */
export function ratio(a: string, b: string): number {
  return isZero(b) ? 0 : Number(div(a, b, 6));
}
