"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { describeConsent } from "~/shared/consent-summary";
import {
  DEFAULT_MIN_CELL_COUNT,
  MAX_EPSILON_BUDGET,
  MIN_CELL_COUNT_FLOOR,
  ZCreateListingDraftSchema,
} from "~/shared/listing-draft";
import { PURPOSES } from "~/shared/purposes";
import { api } from "~/trpc/react";
import {
  applyServerErrors,
  Field,
  Form,
  FormAlert,
  FormMessage,
  TextField,
} from "../../../_components/form";
import { STEP_LABELS, useSignedAction } from "../../../_components/use-signed-action";
import { PlainConsent } from "./plain-consent";
import type { KeptValue } from "./review-types";

function inOneYear(): string {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The procedure's own schema, for the fields as the form holds them: conditions as one line
 * of text, the trial as a select ("" for none), the expiry as a date at the end of its day.
 */
const shape = ZCreateListingDraftSchema.shape;
const ZPublishFormSchema = z.object({
  title: shape.title,
  description: shape.description,
  conditions: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(shape.conditions.unwrap()),
  trialId: z
    .string()
    .transform((value) => value || undefined)
    .pipe(shape.trialId),
  price: shape.price,
  purposes: shape.purposes,
  // The schema coerces any input: the form's is the day picked, read as its last second.
  consentExpiresAt: z.preprocess(
    (day) => (typeof day === "string" && day ? `${day}T23:59:59Z` : undefined),
    shape.consentExpiresAt,
  ),
  autoApprove: z.enum(["auto", "ask"]).transform((value) => value === "auto"),
  // Typed as text; empty reads as the schema's default (no analyses; groups of at least 10).
  epsilonBudget: z
    .string()
    .transform((text) => (text.trim() === "" ? undefined : Number(text)))
    .pipe(shape.epsilonBudget),
  minCellCount: z
    .string()
    .transform((text) => (text.trim() === "" ? undefined : Number(text)))
    .pipe(shape.minCellCount),
});

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
  const form = useForm({
    resolver: zodResolver(ZPublishFormSchema),
    defaultValues: {
      title: "",
      description: "",
      conditions: "",
      trialId: "",
      price: "10",
      purposes: ["ACADEMIC_RESEARCH"],
      consentExpiresAt: inOneYear(),
      autoApprove: "auto",
      epsilonBudget: "0",
      minCellCount: String(DEFAULT_MIN_CELL_COUNT),
    },
  });
  const [isUnderstood, setIsUnderstood] = useState(false);
  const enrolled = trials.data?.filter((trial) => trial.enrollment?.isEnrolled) ?? [];
  const purposesError = form.formState.errors.purposes?.message;
  // The consent summary follows every change of the fields it describes.
  const watched = useWatch({ control: form.control });

  async function publish(values: z.output<typeof ZPublishFormSchema>) {
    setError(null);
    try {
      const draft = await createDraft.mutateAsync({
        uploadId,
        dropColumns,
        keepColumns,
        keepValues,
        ...values,
      });
      if (await run({ type: "listing.publish", listingId: draft.id }))
        router.push(`/listings/${draft.id}`);
    } catch (caught) {
      setError(applyServerErrors(form, caught, "Publishing failed; try again."));
    }
  }

  return (
    <Form
      form={form}
      onSubmit={publish}
      isBusy={isBusy}
      className="card space-y-4"
      aria-labelledby="publish-heading"
    >
      <h2 id="publish-heading" className="font-semibold">
        Publish with your consent terms
      </h2>
      <FormAlert message={error ?? actionError} />
      <TextField name="title" label="Title" className="input" maxLength={120} />
      <Field name="description" label="Description">
        {(control) => (
          <textarea
            className="input"
            rows={2}
            maxLength={2000}
            {...control}
            {...form.register("description")}
          />
        )}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="conditions" label="Conditions (comma-separated)">
          {(control) => <input className="input" {...control} {...form.register("conditions")} />}
        </Field>
        <Field name="trialId" label="Trial">
          {(control) => (
            <select className="input" {...control} {...form.register("trialId")}>
              <option value="">Not linked to a trial</option>
              {enrolled.map((trial) => (
                <option key={trial.id} value={trial.id}>
                  {trial.registryId} — {trial.title}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset
        className="space-y-1"
        aria-invalid={Boolean(purposesError)}
        aria-describedby={purposesError ? "purposes-message" : undefined}
      >
        <legend className="label">Allowed purposes</legend>
        {PURPOSES.map((purpose) => (
          <label key={purpose.key} className="mr-4 inline-flex items-center gap-2 text-sm">
            <input type="checkbox" value={purpose.key} {...form.register("purposes")} />
            {purpose.label}
          </label>
        ))}
        <FormMessage id="purposes-message" message={purposesError} />
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField name="price" label="Price per use (TSR)" className="input" inputMode="decimal" />
        <TextField name="consentExpiresAt" label="Consent expires" type="date" />
        <Field name="autoApprove" label="Requests">
          {(control) => (
            <select className="input" {...control} {...form.register("autoApprove")}>
              <option value="auto">Approve automatically when the purpose is allowed</option>
              <option value="ask">Ask me each time</option>
            </select>
          )}
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="epsilonBudget"
          label="Privacy budget for analyses (ε)"
          inputMode="decimal"
          hint={`0 allows no analyses. Researchers may run checked analyses over your data (counts, averages, regressions) until they have spent this much in total; each spends a little (ε 0.05–2.00) and adds noise. Smaller is more private; at most ${MAX_EPSILON_BUDGET}.`}
        />
        <TextField
          name="minCellCount"
          label="Smallest group shown"
          inputMode="numeric"
          hint={`An analysis never shows a group of fewer people than this (at least ${MIN_CELL_COUNT_FLOOR}).`}
        />
      </div>
      <PlainConsent
        summary={describeConsent({
          purposes: watched.purposes ?? [],
          keepColumns,
          autoApprove: watched.autoApprove === "auto",
          expiresAt: typeof watched.consentExpiresAt === "string" ? watched.consentExpiresAt : "",
          isLinkedToTrial: (watched.trialId ?? "") !== "",
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
      <button type="submit" className="btn" disabled={!isUnderstood}>
        Sign and publish
      </button>
      {(createDraft.isPending || step !== "idle") && (
        <p className="text-sm text-slate-600" aria-live="polite" data-testid="publish-progress">
          {createDraft.isPending
            ? "Saving the final records (encrypted) and computing their Merkle root…"
            : STEP_LABELS[step]}
        </p>
      )}
    </Form>
  );
}
