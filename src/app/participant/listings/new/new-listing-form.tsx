"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { api } from "~/trpc/react";
import { signTypedData } from "../../../_components/wallet";

const STEPS = [
  "Saving your data (encrypted)",
  "Preparing the on-chain request",
  "Signing",
  "Queuing the anchor",
] as const;

function inOneYear(): string {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 1);
  return date.toISOString().slice(0, 10);
}

export function NewListingForm() {
  const router = useRouter();
  const createDraft = api.listings.createDraft.useMutation();
  const prepareSignature = api.listings.prepareSignature.useMutation();
  const publish = api.listings.publish.useMutation();
  const [step, setStep] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draftId, setDraftId] = useState<string | null>(null);
  const [form, setForm] = useState({
    title: "",
    description: "",
    conditions: "",
    csv: "",
    price: "10",
    purposes: ["ACADEMIC_RESEARCH"] as PurposeKey[],
    consentExpiresAt: inOneYear(),
    autoApprove: true,
  });

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > 1_000_000) {
      setError("This file is over 1 MB; larger files use the upload page.");
      return;
    }
    setForm((current) => ({ ...current, csv: "" }));
    const text = await file.text();
    setForm((current) => ({ ...current, csv: text }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      let listingId = draftId;
      if (!listingId) {
        setStep(0);
        const draft = await createDraft.mutateAsync({
          ...form,
          conditions: form.conditions
            .split(",")
            .map((item) => item.trim())
            .filter(Boolean),
          consentExpiresAt: new Date(`${form.consentExpiresAt}T23:59:59Z`),
        });
        listingId = draft.id;
        // Kept so that a refused signature can be retried without uploading again.
        setDraftId(listingId);
      }
      setStep(1);
      const { typedData, signsInWallet } = await prepareSignature.mutateAsync({ listingId });
      setStep(2);
      const signature = signsInWallet ? await signTypedData(typedData) : undefined;
      setStep(3);
      await publish.mutateAsync({ listingId, request: typedData.message, signature });
      router.push(`/listings/${listingId}`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Publishing failed.");
      setStep(null);
    }
  }

  const isBusy = step !== null;
  return (
    <form className="card space-y-4" onSubmit={(event) => void submit(event)}>
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {error}
          {draftId && " Your data is saved as a draft: submit again to retry signing."}
        </p>
      )}
      <label className="label">
        Title
        <input
          className="input"
          name="title"
          required
          minLength={3}
          maxLength={120}
          disabled={!!draftId}
          value={form.title}
          onChange={(event) => setForm({ ...form, title: event.target.value })}
        />
      </label>
      <label className="label">
        Description
        <textarea
          className="input"
          name="description"
          rows={2}
          maxLength={2000}
          disabled={!!draftId}
          value={form.description}
          onChange={(event) => setForm({ ...form, description: event.target.value })}
        />
      </label>
      <label className="label">
        Conditions (comma-separated)
        <input
          className="input"
          name="conditions"
          disabled={!!draftId}
          value={form.conditions}
          onChange={(event) => setForm({ ...form, conditions: event.target.value })}
        />
      </label>
      <div className="space-y-1">
        <label className="label">
          Data (CSV with a header row, up to 1 MB)
          <input
            className="mt-1 block text-sm"
            type="file"
            accept=".csv,text/csv"
            disabled={!!draftId}
            onChange={(event) => void readFile(event.target.files?.[0])}
          />
        </label>
        <textarea
          className="input font-mono"
          name="csv"
          rows={6}
          required
          placeholder="pseudonym,year,hba1c_pct&#10;S-1,2022,6.1"
          disabled={!!draftId}
          value={form.csv}
          onChange={(event) => setForm({ ...form, csv: event.target.value })}
        />
      </div>
      <fieldset className="space-y-1" disabled={!!draftId}>
        <legend className="label">Allowed purposes</legend>
        {PURPOSES.map((purpose) => (
          <label key={purpose.key} className="mr-4 inline-flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={form.purposes.includes(purpose.key)}
              onChange={(event) =>
                setForm({
                  ...form,
                  purposes: event.target.checked
                    ? [...form.purposes, purpose.key]
                    : form.purposes.filter((key) => key !== purpose.key),
                })
              }
            />
            {purpose.label}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <label className="label">
          Price per use (TSR)
          <input
            className="input"
            name="price"
            inputMode="decimal"
            required
            disabled={!!draftId}
            value={form.price}
            onChange={(event) => setForm({ ...form, price: event.target.value })}
          />
        </label>
        <label className="label">
          Consent expires
          <input
            className="input"
            type="date"
            name="consentExpiresAt"
            required
            disabled={!!draftId}
            value={form.consentExpiresAt}
            onChange={(event) => setForm({ ...form, consentExpiresAt: event.target.value })}
          />
        </label>
        <label className="label">
          Requests
          <select
            className="input"
            disabled={!!draftId}
            value={form.autoApprove ? "auto" : "ask"}
            onChange={(event) => setForm({ ...form, autoApprove: event.target.value === "auto" })}
          >
            <option value="auto">Approve automatically when the purpose is allowed</option>
            <option value="ask">Ask me each time</option>
          </select>
        </label>
      </div>
      <button type="submit" className="btn" disabled={isBusy}>
        {draftId ? "Sign and publish" : "Publish listing"}
      </button>
      {isBusy && (
        <ol className="space-y-1 text-sm" aria-live="polite" data-testid="publish-progress">
          {STEPS.map((label, index) => (
            <li
              key={label}
              className={
                index < step
                  ? "text-emerald-700"
                  : index === step
                    ? "font-medium text-slate-900"
                    : "text-slate-400"
              }
            >
              {index < step ? "✓" : index === step ? "…" : "·"} {label}
            </li>
          ))}
        </ol>
      )}
    </form>
  );
}
