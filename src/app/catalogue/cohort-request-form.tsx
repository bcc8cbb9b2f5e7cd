"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { PURPOSES, type PurposeKey } from "~/shared/purposes";
import { api } from "~/trpc/react";
import { STEP_LABELS, useSignedAction } from "../_components/use-signed-action";
import type { CatalogueItem } from "./cohort";

/** The researcher's access request for the chosen listings: purpose, plan, escrow, signature. */
export function CohortRequestForm(props: { listingIds: string[]; knownItems: CatalogueItem[] }) {
  const router = useRouter();
  const [request, setRequest] = useState({
    purpose: "ACADEMIC_RESEARCH" as PurposeKey,
    planText: "",
    accessDays: 90,
  });
  // The most the researcher will pay; empty means the total shown. The contract refuses a
  // cohort that costs more when the signed request lands (say, after a price rise).
  const [maxTotal, setMaxTotal] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [planFile, setPlanFile] = useState<File | null>(null);
  const createDraft = api.requests.createDraft.useMutation();
  const { run, step, error: actionError, isBusy } = useSignedAction();
  const known = props.knownItems;
  const cost = known.reduce((sum, item) => sum + Number(item.price), 0);
  const excluded = known.filter((item) => !item.consent?.purposes.includes(request.purpose)).length;
  const autoApproved = known.filter(
    (item) => item.consent?.purposes.includes(request.purpose) && item.consent.autoApprove,
  ).length;
  const unknown = props.listingIds.length - known.length;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      let planDocumentId: string | undefined;
      if (planFile) {
        const response = await fetch("/api/plans", {
          method: "POST",
          headers: { "x-file-name": encodeURIComponent(planFile.name) },
          body: planFile,
        });
        const body = (await response.json()) as { id?: string; message?: string };
        if (!response.ok || !body.id)
          throw new Error(body.message ?? "The plan document could not be uploaded.");
        planDocumentId = body.id;
      }
      const draft = await createDraft.mutateAsync({
        listingIds: props.listingIds,
        ...request,
        planDocumentId,
        maxTotal: maxTotal.trim() || undefined,
      });
      if (await run({ type: "request.create", requestId: draft.id }))
        router.push("/researcher/requests");
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The request failed.");
    }
  }

  return (
    <form
      className="card space-y-3"
      onSubmit={(event) => void submit(event)}
      data-testid="request-form"
    >
      <h2 className="font-semibold">Request access to {props.listingIds.length} listing(s)</h2>
      <p className="text-sm text-slate-700">
        {unknown > 0
          ? `${props.listingIds.length} listings chosen; the cost is computed when you sign.`
          : `Total ${cost} TSR escrowed · ${autoApproved} approve at once · ${
              known.length - autoApproved - excluded
            } need the owner's decision · ${excluded} excluded by the purpose`}
      </p>
      {(error ?? actionError) && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {error ?? actionError}
        </p>
      )}
      <label className="label">
        Purpose
        <select
          className="input"
          value={request.purpose}
          onChange={(event) =>
            setRequest({ ...request, purpose: event.target.value as PurposeKey })
          }
        >
          {PURPOSES.map((purpose) => (
            <option key={purpose.key} value={purpose.key}>
              {purpose.label}
            </option>
          ))}
        </select>
      </label>
      <label className="label">
        Research plan summary (owners read it; without a document, its hash is recorded on chain)
        <textarea
          className="input"
          name="plan"
          rows={4}
          required
          minLength={20}
          value={request.planText}
          onChange={(event) => setRequest({ ...request, planText: event.target.value })}
        />
      </label>
      <label className="label">
        Research plan document (PDF or text, optional; when given, its hash is the one recorded)
        <input
          className="mt-1 block text-sm"
          type="file"
          accept=".pdf,.txt,application/pdf,text/plain"
          onChange={(event) => setPlanFile(event.target.files?.[0] ?? null)}
        />
      </label>
      <label className="label">
        Access period (days)
        <input
          className="input"
          type="number"
          min={1}
          max={365}
          value={request.accessDays}
          onChange={(event) => setRequest({ ...request, accessDays: Number(event.target.value) })}
        />
      </label>
      <label className="label">
        The most you will pay (TSR)
        <input
          className="input"
          inputMode="decimal"
          placeholder={unknown > 0 ? "" : String(cost)}
          value={maxTotal}
          onChange={(event) => setMaxTotal(event.target.value)}
          data-testid="max-total"
        />
        <span className="text-xs text-slate-600">
          Your request is refused if the listings cost more than this when it is recorded.
        </span>
      </label>
      <button type="submit" className="btn" disabled={createDraft.isPending || isBusy}>
        Sign and request
      </button>
      {step !== "idle" && <p className="text-sm text-slate-600">{STEP_LABELS[step]}</p>}
    </form>
  );
}
