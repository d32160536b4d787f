'use client';
import { useEffect, useState } from 'react';
import { DEMO_USERS, useUser } from '@/hooks/useUser';
import { USER_ID_MAX, USER_ID_RULE, userIdProblem } from '@/lib/userId';

/**
 * Chooses which user the page trades as (demo users, or any id typed in) until sign-in exists.
 * An id the exchange would refuse is said so as it is typed and never taken: the page goes on
 * as the user it was (Escape or leaving the box puts that user's id back).
 */
export function UserPicker() {
  const { userId, setUserId } = useUser();
  const [draft, setDraft] = useState(userId);
  useEffect(() => setDraft(userId), [userId]);
  const problem = draft === userId ? null : userIdProblem(draft);
  const commit = () => {
    if (userIdProblem(draft) === null) setUserId(draft);
  };
  return (
    <form className="user-picker" onSubmit={(e) => { e.preventDefault(); commit(); }}>
      <label htmlFor="user-id" className="user-label">User</label>
      <input
        id="user-id"
        className={`user-input ${problem ? 'user-input-bad' : ''}`}
        list="demo-users"
        value={draft}
        maxLength={USER_ID_MAX + 1}
        title={USER_ID_RULE}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'user-id-problem' : undefined}
        data-testid="user-input"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Escape') setDraft(userId); }}
        onBlur={() => (userIdProblem(draft) === null ? commit() : setDraft(userId))}
      />
      {problem ? (
        <p className="user-problem" id="user-id-problem" role="alert" data-testid="user-problem">
          {problem}. {USER_ID_RULE}.
        </p>
      ) : null}
      <datalist id="demo-users">
        {DEMO_USERS.map((u) => <option key={u} value={u} />)}
      </datalist>
    </form>
  );
}
