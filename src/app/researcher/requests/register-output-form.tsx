"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import {
  checkOutputKind,
  RESEARCH_OUTPUT_FIELDS,
  RESEARCH_OUTPUT_KINDS,
  RESEARCH_OUTPUT_LABELS,
} from "~/shared/research-output";
import { Field, Form, FormAlert, TextField } from "../../_components/form";
import { STEP_LABELS, useSignedAction } from "../../_components/use-signed-action";

/** The action's own schema, without the request (the form belongs to one). */
const { requestId: _requestId, ...fields } = RESEARCH_OUTPUT_FIELDS;
const ZOutputFormSchema = z.object(fields).superRefine(checkOutputKind);

/**
 * Registers a result of a request whose data was used: its description is kept by TrialShare
 * and its hash is signed on chain against the request; participants whose data was used are told.
 */
export function RegisterOutputForm({ requestId }: { requestId: string }) {
  const { run, step, error, isBusy } = useSignedAction();
  const [isDone, setIsDone] = useState(false);
  const form = useForm({
    resolver: zodResolver(ZOutputFormSchema),
    defaultValues: { kind: "PUBLICATION", title: "", doi: "", url: "", summary: "" },
  });
  const kind = useWatch({ control: form.control, name: "kind" });

  async function register(values: z.output<typeof ZOutputFormSchema>) {
    setIsDone(false);
    if (await run({ type: "output.register", requestId, ...values })) {
      form.reset();
      setIsDone(true);
    }
  }

  const headingId = `register-output-${requestId}`;
  return (
    <Form
      form={form}
      onSubmit={register}
      isBusy={isBusy}
      className="space-y-3 rounded-md border border-slate-200 p-3"
      aria-labelledby={headingId}
      data-testid="register-output-form"
    >
      <h2 id={headingId} className="font-semibold">
        Register a result
      </h2>
      <p className="text-sm text-slate-600">
        Participants whose data this request used see it in their ledger. Only its hash goes on
        chain; links must be https.
      </p>
      <FormAlert message={error} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field name="kind" label="Kind">
          {(control) => (
            <select className="input" {...control} {...form.register("kind")}>
              {RESEARCH_OUTPUT_KINDS.map((option) => (
                <option key={option} value={option}>
                  {RESEARCH_OUTPUT_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField name="title" label="Title" className="input" maxLength={300} />
        <TextField
          name="doi"
          label={kind === "PUBLICATION" ? "DOI" : "DOI (optional)"}
          hint="Like 10.1234/abcd.5678"
          className="input"
          maxLength={200}
        />
        <TextField
          name="url"
          label={kind === "SUMMARY" ? "Link (optional)" : "Link"}
          type="url"
          inputMode="url"
          maxLength={500}
          placeholder="https://"
        />
      </div>
      <Field
        name="summary"
        label={kind === "SUMMARY" ? "Summary in plain words" : "Summary in plain words (optional)"}
      >
        {(control) => (
          <textarea
            className="input"
            rows={3}
            maxLength={4000}
            {...control}
            {...form.register("summary")}
          />
        )}
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn">
          Register result
        </button>
        <span className="text-sm text-slate-600" role="status">
          {isDone && step === "queued" ? STEP_LABELS.queued : STEP_LABELS[step]}
        </span>
      </div>
    </Form>
  );
}
