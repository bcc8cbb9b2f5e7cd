"use client";

import Link from "next/link";
import { getCsrfToken, signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
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
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState("PARTICIPANT");

  function finish(result: Awaited<ReturnType<typeof signIn>>) {
    if (!result || result.error) {
      setError(
        result?.error && result.error !== "CredentialsSignin"
          ? result.error
          : "Sign-in was refused.",
      );
      return;
    }
    router.push("/");
    router.refresh();
  }

  async function signInWithWallet() {
    setError(null);
    setBusy("Waiting for your wallet…");
    try {
      const [nonce, chainId] = await Promise.all([getCsrfToken(), fetchChainId()]);
      if (!nonce) throw new Error("Could not start sign-in; reload the page.");
      const { message, signature } = await signSiweMessage({ nonce, chainId });
      setBusy("Checking your signature…");
      finish(await signIn("siwe", { message, signature, role, redirect: false }));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Wallet sign-in failed.");
    } finally {
      setBusy(null);
    }
  }

  async function signInWithPassword(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy("Signing in…");
    try {
      finish(await signIn("password", { email, password, redirect: false }));
    } finally {
      setBusy(null);
    }
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
          disabled={busy !== null}
          onClick={() => void signInWithWallet()}
        >
          Sign in with Ethereum
        </button>
      </section>
      <form className="card space-y-3" onSubmit={(event) => void signInWithPassword(event)}>
        <h2 className="font-semibold">With email and password</h2>
        <label className="label">
          Email
          <input
            className="input"
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
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
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <div className="flex items-center gap-4">
          <button type="submit" className="btn" disabled={busy !== null}>
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
                    setEmail(account.email);
                    setPassword(demo.password);
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
