"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { REGISTER_TRIAL_FIELDS } from "~/shared/trial-actions";
import { TRIAL_PHASES } from "~/shared/trial-phases";
import { ActionStatus } from "../_components/action-status";
import { Field, Form, TextField } from "../_components/form";
import { describeProtocol, ZProtocolFileSchema } from "../_components/protocol-file";
import { useSignedAction } from "../_components/use-signed-action";

/** One item a line, or comma-separated, as the action's list schema takes it. */
const lines = (list: z.ZodType<string[], string[]>) =>
  z
    .string()
    .transform((text) =>
      text
        .split(/[\n,]/)
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .pipe(list);

/** The action's own schema, for the fields as the form holds them. */
const ZRegisterTrialFormSchema = z.object({
  registryId: REGISTER_TRIAL_FIELDS.registryId,
  title: REGISTER_TRIAL_FIELDS.title,
  phase: REGISTER_TRIAL_FIELDS.phase,
  conditions: lines(REGISTER_TRIAL_FIELDS.conditions),
  sites: lines(REGISTER_TRIAL_FIELDS.sites),
  protocol: ZProtocolFileSchema,
});

export function RegisterTrialForm() {
  const { run, step, error, isBusy } = useSignedAction();
  const form = useForm({
    resolver: zodResolver(ZRegisterTrialFormSchema),
    defaultValues: { registryId: "", title: "", phase: "Phase 2", conditions: "", sites: "" },
  });

  async function register({ protocol, ...trial }: z.output<typeof ZRegisterTrialFormSchema>) {
    const isDone = await run({
      type: "trial.register",
      ...trial,
      ...(await describeProtocol(protocol)),
    });
    if (isDone) form.reset();
  }

  return (
    <Form form={form} onSubmit={register} isBusy={isBusy} className="grid max-w-2xl gap-3">
      <TextField
        name="registryId"
        label="Registry id (e.g. NCT number)"
        placeholder="NCT01234567"
        required
      />
      <Field name="title" label="Title">
        {(control) => <input className="input" required {...control} {...form.register("title")} />}
      </Field>
      <Field name="phase" label="Phase">
        {(control) => (
          <select className="input" {...control} {...form.register("phase")}>
            {TRIAL_PHASES.map((phase) => (
              <option key={phase}>{phase}</option>
            ))}
          </select>
        )}
      </Field>
      <Field name="conditions" label="Conditions (one per line or comma-separated)">
        {(control) => (
          <textarea
            className="input"
            rows={2}
            required
            {...control}
            {...form.register("conditions")}
          />
        )}
      </Field>
      <Field name="sites" label="Sites (one per line or comma-separated)">
        {(control) => (
          <textarea className="input" rows={2} {...control} {...form.register("sites")} />
        )}
      </Field>
      <TextField name="protocol" label="Protocol document" type="file" required />
      <div className="flex items-center gap-3">
        <button type="submit" className="btn">
          Register trial
        </button>
        <ActionStatus step={step} error={error} />
      </div>
    </Form>
  );
}
