"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { STAT_KINDS, type TAnalysisSpec } from "~/shared/analysis-spec";
import { api, type RouterOutputs } from "~/trpc/react";
import { applyServerErrors, Field, Form, FormAlert, TextField } from "../../../../_components/form";
import { QueryState } from "../../../../_components/page-state";
import { AnalysisOutcome } from "../analyses/analysis-outcome";
import {
  ANALYSIS_KINDS,
  analysisFormSchema,
  DEFAULT_FORM,
  EMPTY_TERM,
  KIND_LABELS,
  type TAnalysisFormInput,
} from "./analysis-form-schema";
import { CohortBudget } from "./cohort-budget";
import { TermFields } from "./term-fields";

type Catalogue = RouterOutputs["analyses"]["catalogue"];
type Started = RouterOutputs["analyses"]["run"];

/** The builder of an analysis over one approved request's cohort, and the one it started. */
export function AnalysisBuilder({ requestId }: { requestId: string }) {
  const catalogue = api.analyses.catalogue.useQuery({ requestId });
  return (
    <QueryState query={catalogue} loading="Reading the cohort's variables…">
      {(data) => <BuilderForm requestId={requestId} catalogue={data} />}
    </QueryState>
  );
}

function BuilderForm({ requestId, catalogue }: { requestId: string; catalogue: Catalogue }) {
  const schema = useMemo(() => analysisFormSchema(catalogue.variables), [catalogue.variables]);
  const form = useForm<TAnalysisFormInput, unknown, TAnalysisSpec>({
    resolver: zodResolver(schema),
    defaultValues: DEFAULT_FORM,
  });
  const utils = api.useUtils();
  const run = api.analyses.run.useMutation();
  const [formError, setFormError] = useState<string | null>(null);
  const [started, setStarted] = useState<Started | null>(null);
  const kind = useWatch({ control: form.control, name: "kind" });
  const by = useFieldArray({ control: form.control, name: "by" });
  const covariates = useFieldArray({ control: form.control, name: "covariates" });
  const maxBy = kind === "count" ? 3 : kind === "summary" ? 1 : 0;

  async function start(spec: TAnalysisSpec) {
    setFormError(null);
    setStarted(null);
    try {
      setStarted(await run.mutateAsync({ requestId, spec }));
    } catch (error) {
      setFormError(applyServerErrors(form, error, "The analysis could not be run; try again."));
    } finally {
      await Promise.all([utils.analyses.list.invalidate(), utils.analyses.catalogue.invalidate()]);
    }
  }

  return (
    <div className="space-y-4">
      <CohortBudget requestId={requestId} catalogue={catalogue} />
      <Form
        form={form}
        onSubmit={start}
        className="card space-y-3"
        aria-labelledby="builder-heading"
        data-testid="analysis-builder"
      >
        <h2 id="builder-heading" className="font-semibold">
          Compose an analysis
        </h2>
        <p className="text-sm text-slate-600">
          It runs where the data lives; only figures that pass the disclosure checks come out. Each
          listing used spends the ε you choose from its owner&apos;s privacy budget.
        </p>
        <FormAlert message={formError} />
        <div className="grid gap-3 sm:grid-cols-2">
          <Field<TAnalysisFormInput> name="kind" label="Analysis">
            {(control) => (
              <select className="input" {...control} {...form.register("kind")}>
                {ANALYSIS_KINDS.map((option) => (
                  <option key={option} value={option}>
                    {KIND_LABELS[option]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField<TAnalysisFormInput>
            name="epsilon"
            label="Privacy cost ε"
            inputMode="decimal"
            hint="0.05 to 2.00: a larger ε gives less noise and spends more of each listing's budget."
          />
        </div>
        {kind !== "count" && (
          <TermFields
            name="outcome"
            label={kind === "summary" || kind === "histogram" ? "Measurement" : "Outcome"}
            catalogue={catalogue.variables}
            only={kind === "logistic" ? "categorical" : "numeric"}
          />
        )}
        {kind === "histogram" && (
          <TextField<TAnalysisFormInput> name="bins" label="Bins" inputMode="numeric" />
        )}
        {kind === "summary" && (
          <Field<TAnalysisFormInput> name="stats" label="Statistics">
            {(control) => (
              <div className="flex flex-wrap gap-3" id={control.id}>
                {STAT_KINDS.map((stat) => (
                  <label key={stat} className="flex items-center gap-1 text-sm">
                    <input type="checkbox" value={stat} {...form.register("stats")} />
                    {stat}
                  </label>
                ))}
              </div>
            )}
          </Field>
        )}
        {maxBy > 0 && (
          <fieldset className="space-y-2">
            <legend className="label">{kind === "count" ? "Count by" : "Group by"}</legend>
            {kind === "count" && by.fields.length === 0 && (
              <p className="text-sm text-slate-600">No variable: the whole cohort is counted.</p>
            )}
            {by.fields.slice(0, maxBy).map((entry, index) => (
              <TermFields
                key={entry.id}
                name={`by.${index}`}
                label={`Variable ${index + 1}`}
                catalogue={catalogue.variables}
                only="categorical"
                onRemove={() => by.remove(index)}
              />
            ))}
            {by.fields.length < maxBy && (
              <button type="button" className="btn-secondary" onClick={() => by.append(EMPTY_TERM)}>
                Add a variable
              </button>
            )}
          </fieldset>
        )}
        {(kind === "linear" || kind === "logistic") && (
          <fieldset className="space-y-2">
            <legend className="label">Covariates</legend>
            {covariates.fields.map((entry, index) => (
              <TermFields
                key={entry.id}
                name={`covariates.${index}`}
                label={`Covariate ${index + 1}`}
                catalogue={catalogue.variables}
                onRemove={() => covariates.remove(index)}
              />
            ))}
            {covariates.fields.length < 8 && (
              <button
                type="button"
                className="btn-secondary"
                onClick={() => covariates.append(EMPTY_TERM)}
              >
                Add a covariate
              </button>
            )}
          </fieldset>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className="btn">
            Run analysis
          </button>
          {form.formState.isSubmitting && (
            <span role="status" className="text-sm text-slate-600">
              Running in the isolated engine…
            </span>
          )}
        </div>
      </Form>
      {started && (
        <section className="card space-y-2" aria-label="The analysis you started">
          {started.excluded.length > 0 && (
            <div className="text-sm" data-testid="excluded-listings">
              <p className="font-semibold">Listings left out of this analysis:</p>
              <ul className="list-disc pl-5">
                {started.excluded.map((entry, index) => (
                  <li key={index}>
                    {entry.title}: {entry.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <AnalysisOutcome jobId={started.jobId} />
        </section>
      )}
    </div>
  );
}
