"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "~/trpc/react";

export default function RegisterPage() {
  const router = useRouter();
  const register = api.account.register.useMutation();
  const [form, setForm] = useState({
    email: "",
    password: "",
    displayName: "",
    role: "PARTICIPANT" as "PARTICIPANT" | "RESEARCHER",
  });
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await register.mutateAsync(form);
      const result = await signIn("password", {
        email: form.email,
        password: form.password,
        redirect: false,
      });
      if (result?.error) throw new Error(result.error);
      router.push("/");
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Registration failed.");
    }
  }

  return (
    <form className="card mx-auto max-w-xl space-y-3" onSubmit={(event) => void submit(event)}>
      <h1 className="text-2xl font-semibold">Create an account</h1>
      <p className="text-sm text-slate-600">
        We keep a wallet for you, so you can sign consent and data requests without a browser wallet
        or ETH.
      </p>
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {error}
        </p>
      )}
      <label className="label">
        Display name
        <input
          className="input"
          required
          value={form.displayName}
          onChange={(event) => setForm({ ...form, displayName: event.target.value })}
        />
      </label>
      <label className="label">
        Email
        <input
          className="input"
          type="email"
          required
          value={form.email}
          onChange={(event) => setForm({ ...form, email: event.target.value })}
        />
      </label>
      <label className="label">
        Password (at least 10 characters)
        <input
          className="input"
          type="password"
          minLength={10}
          required
          value={form.password}
          onChange={(event) => setForm({ ...form, password: event.target.value })}
        />
      </label>
      <label className="label">
        I am a
        <select
          className="input"
          value={form.role}
          onChange={(event) =>
            setForm({ ...form, role: event.target.value as "PARTICIPANT" | "RESEARCHER" })
          }
        >
          <option value="PARTICIPANT">Trial participant</option>
          <option value="RESEARCHER">Researcher</option>
        </select>
      </label>
      <button type="submit" className="btn" disabled={register.isPending}>
        {register.isPending ? "Creating…" : "Create account"}
      </button>
    </form>
  );
}
