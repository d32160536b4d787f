/**
 * The deposit form's rules, apart from its looks: the amount typed checked as the exchange checks
 * a deposit (`POST /api/v1/on-ramp`: a plain number, positive, with no more decimals than its
 * asset's precision), as it is typed and never rewritten (the order form's way, lib/orderForm.ts).
 * An asset whose precision the page does not know (an older exchange, which does not send it)
 * has no decimals checked: the amount is sent and the exchange's answer says what is wrong.
 */
import { decimalsOf, isPositive } from './decimal';
import { checkPlainDecimal, isPlainDecimal } from './orderForm';

/**
 * What is wrong with an amount of `asset` as it is typed, or null: negative, not a plain decimal,
 * or more decimals than the asset's `precision` allows ("1.005" INR of 2 decimals). Decimals are
 * counted as the exchange counts them, those the value needs: "1.500" is 1.5, one decimal. Empty
 * text and a lone "." (a number being typed) are not wrong yet; a null `precision` (not known)
 * checks no decimals.
 */
export function checkDepositAmount(text: string, asset: string, precision: number | null): string | null {
  const plain = checkPlainDecimal(text, 'Amount');
  if (plain) return plain;
  const t = text.trim();
  if (t === '' || t === '.' || precision === null) return null;
  if (decimalsOf(t) <= precision) return null;
  return precision === 0
    ? `${asset} allows whole amounts only`
    : `${asset} allows at most ${precision} decimal${precision === 1 ? '' : 's'}`;
}

/**
 * Why the deposit cannot be sent, and where it is said: `field` when it is what the amount field
 * already shows under itself (`checkDepositAmount`), so that the form need not say it again; not
 * `field` for what only the form says (no amount, or zero). Null when it can be sent.
 */
export function depositProblem(text: string, asset: string, precision: number | null): { field: boolean; message: string } | null {
  const bad = checkDepositAmount(text, asset, precision);
  if (bad) return { field: true, message: bad };
  if (!isPlainDecimal(text)) return { field: false, message: 'Enter an amount to deposit' };
  if (!isPositive(text)) return { field: false, message: 'Enter an amount above 0 to deposit' };
  return null;
}
