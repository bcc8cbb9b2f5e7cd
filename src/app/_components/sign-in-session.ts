"use client";

import { getSession, signIn } from "next-auth/react";
import { useSyncExternalStore } from "react";

/**
 * Signing in from the browser so that it either ends with a session or says why. next-auth
 * gives any cookie-less /api/auth request a fresh CSRF cookie; when the page's own session
 * fetch lands after the form read its token, the cookie no longer matches and next-auth
 * answers 200 with `?csrf=true` and no session. That answer is retried once with a fresh
 * token (which reads the cookie now in place); success is taken only from a real session.
 */
type Credentials = Record<string, string>;

export async function signInWithSession(
  provider: "password" | "siwe",
  /** Called per attempt: a wallet signs the attempt's own nonce. */
  credentials: () => Credentials | Promise<Credentials>,
): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const result = await signIn(provider, { ...(await credentials()), redirect: false });
    if (!result) throw new Error("Sign-in could not start; reload the page and try again.");
    if (result.error)
      throw new Error(result.error === "CredentialsSignin" ? "Sign-in was refused." : result.error);
    const isCsrfMismatch = result.url
      ? new URL(result.url, window.location.href).searchParams.has("csrf")
      : false;
    if (isCsrfMismatch) continue;
    const session = await getSession();
    if (session?.user) return;
    throw new Error("Sign-in did not complete: no session was started. Try again.");
  }
  throw new Error(
    "Sign-in was interrupted twice (another tab or window signing in?); reload the page and try again.",
  );
}

const subscribeNever = () => () => undefined;

/**
 * False in the server's HTML and until React runs in the browser. Forms with secrets stay
 * disabled until then: a form submitted before would go to the server without JavaScript.
 */
export function useIsHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}

/** A text field of a submitted form ("" when missing; files are not text fields). */
export function readTextField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * After a sign-in, a full page load: the layout (the header, the session) renders with the new
 * cookie. A client push followed by a refresh raced: the refresh could win, leaving the page at
 * /sign-in, signed out, with its form gone (seen in the 20-sign-in browser test).
 */
export function openSignedInHome(): void {
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load on purpose
  window.location.assign("/");
}
