"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { getSession } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZChangePasswordSchema, type TChangePassword } from "~/shared/password";
import { api } from "~/trpc/react";
import { applyServerErrors, Form, FormAlert, TextField } from "../_components/form";
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
  const form = useForm({
    resolver: zodResolver(ZChangePasswordSchema),
    defaultValues: { currentPassword: "", newPassword: "" },
  });
  const [error, setError] = useState<string | null>(null);
  const [isDone, setIsDone] = useState(false);

  async function submit(values: TChangePassword) {
    setError(null);
    try {
      await change.mutateAsync(values);
    } catch (caught) {
      setError(applyServerErrors(form, caught, "The password was not changed; try again."));
      return;
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
  // method="post": submitted before the script runs, the passwords never reach the URL.
  return (
    <Form
      form={form}
      onSubmit={submit}
      method="post"
      className="card space-y-3"
      aria-labelledby="change-password-heading"
    >
      <h2 id="change-password-heading" className="font-semibold">
        Change password
      </h2>
      <p className="text-sm text-slate-600">
        This signs you out everywhere, this browser too. Accounts that sign in with a wallet have no
        password.
      </p>
      {!isHydrated && <FormNotReady />}
      <FormAlert message={error} />
      <TextField
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
      />
      <TextField
        name="newPassword"
        label="New password (at least 10 characters)"
        type="password"
        autoComplete="new-password"
        minLength={10}
        required
      />
      <button type="submit" className="btn" disabled={!isHydrated}>
        {form.formState.isSubmitting ? "Changing…" : "Change password"}
      </button>
    </Form>
  );
}
