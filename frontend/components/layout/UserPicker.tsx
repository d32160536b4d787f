'use client';
import { useEffect, useState } from 'react';
import { DEMO_USERS, useUser } from '@/hooks/useUser';

/** Chooses which user the page trades as (demo users, or any id typed in) until sign-in exists. */
export function UserPicker() {
  const { userId, setUserId } = useUser();
  const [draft, setDraft] = useState(userId);
  useEffect(() => setDraft(userId), [userId]);
  const commit = () => {
    if (draft.trim()) setUserId(draft);
    else setDraft(userId);
  };
  return (
    <form className="user-picker" onSubmit={(e) => { e.preventDefault(); commit(); }}>
      <label htmlFor="user-id" className="user-label">User</label>
      <input
        id="user-id"
        className="user-input"
        list="demo-users"
        value={draft}
        maxLength={64}
        data-testid="user-input"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
      />
      <datalist id="demo-users">
        {DEMO_USERS.map((u) => <option key={u} value={u} />)}
      </datalist>
    </form>
  );
}
