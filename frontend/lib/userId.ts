/**
 * What a user id may be: the exchange's rule (net/codec/request.cpp `id_of`, README "User ids are
 * 1-64 letters, digits, `_` or `-`"). Checked where the id is typed, so that one the exchange
 * would refuse is never saved nor used: every request with it would fail, and be retried for ever.
 */

export const USER_ID_MAX = 64;
const ID_TEXT = /^[A-Za-z0-9_-]+$/;

/** Said under the user box: the characters a user id may hold. */
export const USER_ID_RULE = `Letters, digits, "_" and "-", at most ${USER_ID_MAX}`;

/** Why `id` (as typed, before trimming) cannot be a user id; null when it can. */
export function userIdProblem(id: string): string | null {
  const v = id.trim();
  if (v === '') return 'Enter a user id';
  if (v.length > USER_ID_MAX) return `At most ${USER_ID_MAX} characters`;
  if (!ID_TEXT.test(v)) return `Only letters, digits, "_" and "-"`;
  return null;
}

export function isUserId(id: string): boolean {
  return userIdProblem(id) === null;
}
