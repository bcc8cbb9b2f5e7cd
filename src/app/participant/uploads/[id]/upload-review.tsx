"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { IDENTIFIER_TYPES, type IdentifierType } from "~/server/privacy/identifier-types";
import { PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { api } from "~/trpc/react";
import { STEP_LABELS, useSignedAction } from "../../../_components/use-signed-action";

function inOneYear(): string {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 1);
  return date.toISOString().slice(0, 10);
}

const typeLabel = (type: string) =>
  IDENTIFIER_TYPES[type as IdentifierType] ??
  (type === "PARTICIPANT_CHOICE" ? "Your choice" : type);

export function UploadReview({ uploadId }: { uploadId: string }) {
  const router = useRouter();
  const upload = api.uploads.byId.useQuery({ uploadId });
  const trials = api.enrollments.trials.useQuery();
  const createDraft = api.listings.createDraft.useMutation();
  const { run, step, error: actionError, isBusy } = useSignedAction();
  const [dropped, setDropped] = useState<string[]>([]);
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

  if (upload.isPending) return <p className="text-slate-600">Loading…</p>;
  if (upload.error)
    return (
      <p role="alert" className="card text-red-800">
        {upload.error.message}
      </p>
    );
  const { report, columns, preview } = upload.data;
  const enrolled = trials.data?.filter((trial) => trial.enrollment?.isEnrolled) ?? [];

  async function publish(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const draft = await createDraft.mutateAsync({
        uploadId,
        dropColumns: dropped,
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
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Review: {upload.data.fileName}</h1>
      <section className="card space-y-3" data-testid="deid-report">
        <h2 className="font-semibold">De-identification report</h2>
        <p className="text-sm text-slate-700">
          {report.method}. {report.rowsOut} of {report.rowsIn} rows kept, {report.columnsOut.length}{" "}
          of {report.columnsIn.length} columns kept.
        </p>
        {report.removedColumns.length > 0 && (
          <p className="text-sm">
            <span className="font-medium">Columns removed:</span>{" "}
            {report.removedColumns
              .map((column) => `${column.column} (${typeLabel(column.type)})`)
              .join("; ")}
          </p>
        )}
        {report.generalizedColumns.length > 0 && (
          <p className="text-sm">
            <span className="font-medium">Columns generalised:</span>{" "}
            {report.generalizedColumns
              .map((column) => `${column.column} (${column.rule})`)
              .join("; ")}
          </p>
        )}
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="text-slate-500">
              <th>Identifier found</th>
              <th>Column</th>
              <th>What we did</th>
              <th className="text-right">Cells</th>
            </tr>
          </thead>
          <tbody>
            {report.findings.map((finding) => (
              <tr
                key={`${finding.type}-${finding.column}-${finding.action}`}
                className="border-t border-slate-100"
              >
                <td>{typeLabel(finding.type)}</td>
                <td className="font-mono text-xs">{finding.column}</td>
                <td>{finding.action}</td>
                <td className="text-right">{finding.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.notes.map((note) => (
          <p key={note} className="text-sm text-amber-800">
            {note}
          </p>
        ))}
      </section>

      <section className="card space-y-2">
        <h2 className="font-semibold">
          Preview (first {preview.length} rows) — untick a column to leave it out
        </h2>
        <div className="overflow-x-auto">
          <table className="text-left text-xs" data-testid="preview">
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column} className="whitespace-nowrap px-2 py-1">
                    <label className="inline-flex items-center gap-1">
                      <input
                        type="checkbox"
                        checked={!dropped.includes(column)}
                        onChange={(event) =>
                          setDropped(
                            event.target.checked
                              ? dropped.filter((item) => item !== column)
                              : [...dropped, column],
                          )
                        }
                      />
                      {column}
                    </label>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.map((row, index) => (
                <tr key={index} className="border-t border-slate-100">
                  {row.map((cell, column) => (
                    <td
                      key={column}
                      className={`whitespace-nowrap px-2 py-1 ${dropped.includes(columns[column] ?? "") ? "text-slate-300 line-through" : ""}`}
                    >
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {upload.data.listingId ? (
        <p className="card">This upload is already published.</p>
      ) : (
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
                onChange={(event) =>
                  setForm({ ...form, autoApprove: event.target.value === "auto" })
                }
              >
                <option value="auto">Approve automatically when the purpose is allowed</option>
                <option value="ask">Ask me each time</option>
              </select>
            </label>
          </div>
          <button type="submit" className="btn" disabled={createDraft.isPending || isBusy}>
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
      )}
    </div>
  );
}
