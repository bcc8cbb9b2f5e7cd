"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { api } from "~/trpc/react";
import { STEP_LABELS, useSignedAction } from "../../../_components/use-signed-action";
import { describeConsent } from "~/shared/consent-summary";
import { PlainConsent } from "./plain-consent";
import type { KeptValue } from "./review-types";

function inOneYear(): string {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 1);
  return date.toISOString().slice(0, 10);
}

/** Consent terms and price; publishing saves the final records and signs the listing. */
export function PublishListingForm({
  uploadId,
  dropColumns,
  keepColumns,
  keepValues,
}: {
  uploadId: string;
  dropColumns: string[];
  keepColumns: string[];
  keepValues: KeptValue[];
}) {
  const router = useRouter();
  const trials = api.enrollments.trials.useQuery();
  const createDraft = api.listings.createDraft.useMutation();
  const { run, step, error: actionError, isBusy } = useSignedAction();
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({
    title: "",
    description: "",
    conditions: "",
    trialId: "",
    price: "10",
    purposes: ["ACADEMIC_RESEARCH"] as PurposeKey[],
    consentExpiresAt: inOneYear(),
    autoApprove: true,
  });
  const [isUnderstood, setIsUnderstood] = useState(false);
  const enrolled = trials.data?.filter((trial) => trial.enrollment?.isEnrolled) ?? [];

  async function publish(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const draft = await createDraft.mutateAsync({
        uploadId,
        dropColumns,
        keepColumns,
        keepValues,
        trialId: form.trialId || undefined,
        title: form.title,
        description: form.description,
        conditions: form.conditions
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
        price: form.price,
        purposes: form.purposes,
        consentExpiresAt: new Date(`${form.consentExpiresAt}T23:59:59Z`),
        autoApprove: form.autoApprove,
      });
      if (await run({ type: "listing.publish", listingId: draft.id }))
        router.push(`/listings/${draft.id}`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Publishing failed.");
    }
  }

  return (
    <form className="card space-y-4" onSubmit={(event) => void publish(event)}>
      <h2 className="font-semibold">Publish with your consent terms</h2>
      {(error ?? actionError) && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {error ?? actionError}
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
          value={form.title}
          onChange={(event) => setForm({ ...form, title: event.target.value })}
        />
      </label>
      <label className="label">
        Description
        <textarea
          className="input"
          rows={2}
          maxLength={2000}
          value={form.description}
          onChange={(event) => setForm({ ...form, description: event.target.value })}
        />
      </label>
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="label">
          Conditions (comma-separated)
          <input
            className="input"
            value={form.conditions}
            onChange={(event) => setForm({ ...form, conditions: event.target.value })}
          />
        </label>
        <label className="label">
          Trial
          <select
            className="input"
            value={form.trialId}
            onChange={(event) => setForm({ ...form, trialId: event.target.value })}
          >
            <option value="">Not linked to a trial</option>
            {enrolled.map((trial) => (
              <option key={trial.id} value={trial.id}>
                {trial.registryId} — {trial.title}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="space-y-1">
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
            value={form.price}
            onChange={(event) => setForm({ ...form, price: event.target.value })}
          />
        </label>
        <label className="label">
          Consent expires
          <input
            className="input"
            type="date"
            required
            value={form.consentExpiresAt}
            onChange={(event) => setForm({ ...form, consentExpiresAt: event.target.value })}
          />
        </label>
        <label className="label">
          Requests
          <select
            className="input"
            value={form.autoApprove ? "auto" : "ask"}
            onChange={(event) => setForm({ ...form, autoApprove: event.target.value === "auto" })}
          >
            <option value="auto">Approve automatically when the purpose is allowed</option>
            <option value="ask">Ask me each time</option>
          </select>
        </label>
      </div>
      <PlainConsent
        summary={describeConsent({
          purposes: form.purposes,
          keepColumns,
          autoApprove: form.autoApprove,
          expiresAt: form.consentExpiresAt,
          isLinkedToTrial: form.trialId !== "",
        })}
      />
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          required
          checked={isUnderstood}
          onChange={(event) => setIsUnderstood(event.target.checked)}
        />
        I have read what this consent allows and what I can change later
      </label>
      <button
        type="submit"
        className="btn"
        disabled={createDraft.isPending || isBusy || !isUnderstood || form.purposes.length === 0}
      >
        Sign and publish
      </button>
      {(createDraft.isPending || step !== "idle") && (
        <p className="text-sm text-slate-600" aria-live="polite" data-testid="publish-progress">
          {createDraft.isPending
            ? "Saving the final records (encrypted) and computing their Merkle root…"
            : STEP_LABELS[step]}
        </p>
      )}
    </form>
  );
}
