"use client";

import { getSession } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "~/trpc/react";
import { FormNotReady } from "../_components/form-not-ready";
import { useIsHydrated } from "../_components/sign-in-session";

/**
 * A new password ends every session of the account, on every device, this one included (so
 * a copied session or a known old password is worth nothing): afterwards the person signs in
 * again with the new password.
 */
export function ChangePasswordForm() {
  const router = useRouter();
  const isHydrated = useIsHydrated();
  const change = api.account.changePassword.useMutation();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [isDone, setIsDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await change.mutateAsync({ currentPassword, newPassword });
    } catch {
      return; // the mutation's error is shown below
    }
    setIsDone(true);
    // The session endpoint now refuses this browser's token and clears its cookie.
    await getSession();
    router.refresh();
  }

  if (isDone)
    return (
      <p role="status" className="card text-sm">
        Your password was changed and every session of your account has ended, here and on other
        devices.{" "}
        <Link href="/sign-in" className="text-teal-800 underline">
          Sign in
        </Link>{" "}
        with the new password.
      </p>
    );
  return (
    <form method="post" className="card space-y-3" onSubmit={(event) => void submit(event)}>
      <h2 className="font-semibold">Change password</h2>
      <p className="text-sm text-slate-600">
        This signs you out everywhere, this browser too. Accounts that sign in with a wallet have no
        password.
      </p>
      {!isHydrated && <FormNotReady />}
      {change.error && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {change.error.message}
        </p>
      )}
      <label className="label">
        Current password
        <input
          className="input"
          type="password"
          name="currentPassword"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
        />
      </label>
      <label className="label">
        New password (at least 10 characters)
        <input
          className="input"
          type="password"
          name="newPassword"
          autoComplete="new-password"
          minLength={10}
          required
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
        />
      </label>
      <button type="submit" className="btn" disabled={!isHydrated || change.isPending}>
        {change.isPending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
