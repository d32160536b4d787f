import { describe, expect, it } from 'vitest';
import { isUserId, userIdProblem } from '@/lib/userId';

describe('user ids', () => {
  it('takes what the exchange takes: 1-64 letters, digits, "_" or "-"', () => {
    for (const id of ['5', 'alice', 'Bob_2', 'desk-7', 'a'.repeat(64), ' 42 ']) expect(isUserId(id)).toBe(true);
  });

  it('refuses, with the reason, what the exchange would refuse', () => {
    expect(userIdProblem('bad user!')).toBe('Only letters, digits, "_" and "-"');
    expect(userIdProblem('ünï')).toBe('Only letters, digits, "_" and "-"');
    expect(userIdProblem('a.b')).not.toBeNull();
    expect(userIdProblem('a'.repeat(65))).toBe('At most 64 characters');
    expect(userIdProblem('   ')).toBe('Enter a user id');
  });
});
