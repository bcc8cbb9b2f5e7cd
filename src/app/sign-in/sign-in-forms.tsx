"use client";

import Link from "next/link";
import { getCsrfToken } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { FormNotReady } from "../_components/form-not-ready";
import {
  openSignedInHome,
  readTextField,
  signInWithSession,
  useIsHydrated,
} from "../_components/sign-in-session";
import { signSiweMessage } from "../_components/wallet";

type Demo = {
  accounts: { role: string; email: string; displayName: string }[];
  password: string;
} | null;

async function fetchChainId(): Promise<number> {
  const response = await fetch("/api/health");
  const health = (await response.json()) as { chain?: { chainId?: number } };
  if (!health.chain?.chainId)
    throw new Error("The blockchain is not reachable right now; try again shortly.");
  return health.chain.chainId;
}

export function SignInForms({ demo }: { demo: Demo }) {
  const isHydrated = useIsHydrated();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // Uncontrolled: what someone typed before the page's script ran stays in the fields.
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const [role, setRole] = useState("PARTICIPANT");

  async function run(message: string, signInNow: () => Promise<void>) {
    setError(null);
    setBusy(message);
    try {
      await signInNow();
      // Stays busy while the signed-in home page loads.
      openSignedInHome();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Sign-in failed; try again.");
      setBusy(null);
    }
  }

  function signInWithWallet() {
    return run("Waiting for your wallet…", async () => {
      const chainId = await fetchChainId();
      await signInWithSession("siwe", async () => {
        // The nonce is this attempt's CSRF token: a retry signs a fresh one.
        const nonce = await getCsrfToken();
        if (!nonce) throw new Error("Could not start sign-in; reload the page.");
        const { message, signature } = await signSiweMessage({ nonce, chainId });
        setBusy("Checking your signature…");
        return { message, signature, role };
      });
    });
  }

  function signInWithPassword(event: FormEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const credentials = {
      email: readTextField(form, "email"),
      password: readTextField(form, "password"),
    };
    return run("Signing in…", () => signInWithSession("password", () => credentials));
  }

  return (
    <div className="space-y-6">
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {error}
        </p>
      )}
      {busy && (
        <p className="text-sm text-slate-600" aria-live="polite">
          {busy}
        </p>
      )}
      <section className="card space-y-3">
        <h2 className="font-semibold">With your Ethereum wallet</h2>
        <p className="text-sm text-slate-600">
          You sign a message (EIP-4361); no transaction, no fee. New wallets get a new account as:
        </p>
        <div className="flex gap-4 text-sm">
          {["PARTICIPANT", "RESEARCHER"].map((option) => (
            <label key={option} className="flex items-center gap-2">
              <input
                type="radio"
                name="role"
                value={option}
                checked={role === option}
                onChange={() => setRole(option)}
              />
              {option.charAt(0) + option.slice(1).toLowerCase()}
            </label>
          ))}
        </div>
        <button
          type="button"
          className="btn"
          disabled={!isHydrated || busy !== null}
          onClick={() => void signInWithWallet()}
        >
          Sign in with Ethereum
        </button>
      </section>
      {/* POST, never GET: a form sent before the page is ready must not put the password in
          the address, the history or a log. The fields' names stay for password managers. */}
      <form
        method="post"
        className="card space-y-3"
        onSubmit={(event) => void signInWithPassword(event)}
      >
        <h2 className="font-semibold">With email and password</h2>
        {!isHydrated && <FormNotReady />}
        <label className="label">
          Email
          <input
            className="input"
            type="email"
            name="email"
            autoComplete="email"
            required
            ref={emailInput}
          />
        </label>
        <label className="label">
          Password
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            ref={passwordInput}
          />
        </label>
        <div className="flex items-center gap-4">
          <button type="submit" className="btn" disabled={!isHydrated || busy !== null}>
            Sign in
          </button>
          <Link href="/register" className="text-sm text-teal-800 underline">
            Create an account
          </Link>
        </div>
      </form>
      {demo && (
        <section className="card space-y-2 text-sm">
          <h2 className="font-semibold">Demo accounts</h2>
          <p className="text-slate-600">
            Password for all: <code>{demo.password}</code>
          </p>
          <ul className="space-y-1">
            {demo.accounts.map((account) => (
              <li key={account.email}>
                <button
                  type="button"
                  className="text-teal-800 underline"
                  onClick={() => {
                    if (emailInput.current) emailInput.current.value = account.email;
                    if (passwordInput.current) passwordInput.current.value = demo.password;
                  }}
                >
                  {account.email}
                </button>{" "}
                — {account.displayName}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
