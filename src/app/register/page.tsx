"use client";

import { useState, type FormEvent } from "react";
import { ZPasswordSchema } from "~/shared/password";
import { api } from "~/trpc/react";
import { FieldFrame, FormAlert, serverFieldErrors } from "../_components/form";
import { FormNotReady } from "../_components/form-not-ready";
import {
  openSignedInHome,
  readTextField,
  signInWithSession,
  useIsHydrated,
} from "../_components/sign-in-session";

const REGISTER_FIELDS = ["displayName", "email", "password"];

export default function RegisterPage() {
  const isHydrated = useIsHydrated();
  const register = api.account.register.useMutation();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [isSigningIn, setIsSigningIn] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    // Uncontrolled fields: what someone typed before the page's script ran is kept.
    const data = new FormData(event.currentTarget);
    const field = (name: string) => readTextField(data, name);
    const form = {
      email: field("email"),
      password: field("password"),
      displayName: field("displayName"),
      role: field("role") === "RESEARCHER" ? ("RESEARCHER" as const) : ("PARTICIPANT" as const),
    };
    // The server's own password rule, said beside the field before anything is sent.
    const password = ZPasswordSchema.safeParse(form.password);
    const mistakes = {
      ...(form.displayName.trim() ? {} : { displayName: "Enter a display name" }),
      ...(password.success ? {} : { password: password.error.issues[0]!.message }),
    };
    if (Object.keys(mistakes).length > 0) {
      setFieldErrors(mistakes);
      return;
    }
    try {
      await register.mutateAsync(form);
    } catch (caught) {
      // Only the fields this form shows; anything else is said for the form as a whole.
      const byField = serverFieldErrors(caught);
      const shown = Object.fromEntries(
        Object.entries(byField).filter(([name]) => REGISTER_FIELDS.includes(name)),
      );
      setFieldErrors(shown);
      if (Object.keys(shown).length < Object.keys(byField).length || !Object.keys(byField).length)
        setError(caught instanceof Error ? caught.message : "Registration failed; try again.");
      return;
    }
    setIsSigningIn(true);
    try {
      await signInWithSession("password", () => ({
        email: form.email,
        password: form.password,
      }));
      // Stays busy while the signed-in home page loads.
      openSignedInHome();
    } catch (caught) {
      const reason = caught instanceof Error ? caught.message : "sign-in failed";
      setError(`Your account was created, but signing in failed: ${reason} Sign in to continue.`);
      setIsSigningIn(false);
    }
  }

  const isBusy = register.isPending || isSigningIn;
  return (
    // POST, never GET: sent before the page is ready, the password must not land in the URL.
    <form
      method="post"
      className="card mx-auto max-w-xl space-y-3"
      onSubmit={(event) => void submit(event)}
    >
      <h1 className="text-2xl font-semibold">Create an account</h1>
      <p className="text-sm text-slate-600">
        We keep a wallet for you, so you can sign consent and data requests without a browser wallet
        or ETH.
      </p>
      {!isHydrated && <FormNotReady />}
      <FormAlert message={error} />
      <FieldFrame label="Display name" message={fieldErrors.displayName}>
        {(control) => <input className="input" name="displayName" required {...control} />}
      </FieldFrame>
      <FieldFrame label="Email" message={fieldErrors.email}>
        {(control) => (
          <input
            className="input"
            type="email"
            name="email"
            autoComplete="email"
            required
            {...control}
          />
        )}
      </FieldFrame>
      <FieldFrame label="Password (at least 10 characters)" message={fieldErrors.password}>
        {(control) => (
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="new-password"
            minLength={10}
            required
            {...control}
          />
        )}
      </FieldFrame>
      <label className="label">
        I am a
        <select className="input" name="role" defaultValue="PARTICIPANT">
          <option value="PARTICIPANT">Trial participant</option>
          <option value="RESEARCHER">Researcher</option>
        </select>
      </label>
      <button type="submit" className="btn" disabled={!isHydrated || isBusy}>
        {register.isPending ? "Creating…" : isSigningIn ? "Signing in…" : "Create account"}
      </button>
    </form>
  );
}
