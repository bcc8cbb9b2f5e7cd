"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { PURPOSES } from "~/shared/purposes";
import { ZCreateRequestDraftSchema } from "~/shared/request-draft";
import { api } from "~/trpc/react";
import { applyServerErrors, Field, Form, FormAlert, TextField } from "../_components/form";
import { STEP_LABELS, useSignedAction } from "../_components/use-signed-action";
import type { CatalogueItem } from "./cohort";

/** The procedure's own schema for the fields the form holds ("" for no maximum). */
const shape = ZCreateRequestDraftSchema.shape;
const ZCohortFormSchema = z.object({
  purpose: shape.purpose,
  planText: shape.planText,
  accessDays: shape.accessDays,
  maxTotal: z
    .string()
    .transform((text) => text.trim() || undefined)
    .pipe(shape.maxTotal),
});

/** The researcher's access request for the chosen listings: purpose, plan, escrow, signature. */
export function CohortRequestForm(props: { listingIds: string[]; knownItems: CatalogueItem[] }) {
  const router = useRouter();
  const form = useForm({
    resolver: zodResolver(ZCohortFormSchema),
    defaultValues: {
      purpose: "ACADEMIC_RESEARCH" as const,
      planText: "",
      accessDays: 90,
      maxTotal: "",
    },
  });
  const [error, setError] = useState<string | null>(null);
  const [planFile, setPlanFile] = useState<File | null>(null);
  const createDraft = api.requests.createDraft.useMutation();
  const { run, step, error: actionError, isBusy } = useSignedAction();
  const purpose = useWatch({ control: form.control, name: "purpose" });
  const known = props.knownItems;
  const cost = known.reduce((sum, item) => sum + Number(item.price), 0);
  const excluded = known.filter((item) => !item.consent?.purposes.includes(purpose)).length;
  const autoApproved = known.filter(
    (item) => item.consent?.purposes.includes(purpose) && item.consent.autoApprove,
  ).length;
  const unknown = props.listingIds.length - known.length;

  async function submit(values: z.output<typeof ZCohortFormSchema>) {
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
        ...values,
        planDocumentId,
      });
      if (await run({ type: "request.create", requestId: draft.id }))
        router.push("/researcher/requests");
    } catch (caught) {
      setError(applyServerErrors(form, caught, "The request failed; try again."));
    }
  }

  return (
    <Form
      form={form}
      onSubmit={submit}
      isBusy={isBusy}
      className="card space-y-3"
      data-testid="request-form"
      aria-labelledby="request-heading"
    >
      <h2 id="request-heading" className="font-semibold">
        Request access to {props.listingIds.length} listing(s)
      </h2>
      <p className="text-sm text-slate-700">
        {unknown > 0
          ? `${props.listingIds.length} listings chosen; the cost is computed when you sign.`
          : `Total ${cost} TSR escrowed · ${autoApproved} approve at once · ${
              known.length - autoApproved - excluded
            } need the owner's decision · ${excluded} excluded by the purpose`}
      </p>
      <FormAlert message={error ?? actionError} />
      <Field name="purpose" label="Purpose">
        {(control) => (
          <select className="input" {...control} {...form.register("purpose")}>
            {PURPOSES.map((option) => (
              <option key={option.key} value={option.key}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        name="planText"
        label="Research plan summary (owners read it; without a document, its hash is recorded on chain)"
      >
        {(control) => (
          <textarea className="input" rows={4} {...control} {...form.register("planText")} />
        )}
      </Field>
      <div className="space-y-1">
        <label htmlFor="plan-document" className="label">
          Research plan document (PDF or text, optional; when given, its hash is the one recorded)
        </label>
        <input
          id="plan-document"
          className="mt-1 block text-sm"
          type="file"
          accept=".pdf,.txt,application/pdf,text/plain"
          onChange={(event) => setPlanFile(event.target.files?.[0] ?? null)}
        />
      </div>
      <Field name="accessDays" label="Access period (days)">
        {(control) => (
          <input
            className="input"
            type="number"
            min={1}
            max={365}
            {...control}
            {...form.register("accessDays", { valueAsNumber: true })}
          />
        )}
      </Field>
      <TextField
        name="maxTotal"
        label="The most you will pay (TSR)"
        hint="Your request is refused if the listings cost more than this when it is recorded."
        inputMode="decimal"
        placeholder={unknown > 0 ? "" : String(cost)}
        data-testid="max-total"
      />
      <button type="submit" className="btn">
        Sign and request
      </button>
      {step !== "idle" && <p className="text-sm text-slate-600">{STEP_LABELS[step]}</p>}
    </Form>
  );
}
