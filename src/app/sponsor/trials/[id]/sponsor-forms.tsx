"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { FUND_REWARDS_FIELDS, ZTokenAmountSchema } from "~/shared/trial-actions";
import { ActionStatus } from "../../../_components/action-status";
import { Field, Form, TextField } from "../../../_components/form";
import { describeProtocol, ZProtocolFileSchema } from "../../../_components/protocol-file";
import { useSignedAction } from "../../../_components/use-signed-action";

const ZAmendFormSchema = z.object({ protocol: ZProtocolFileSchema });
/** The actions' own fields, without the trial (the form belongs to one). */
const ZFundFormSchema = z.object(FUND_REWARDS_FIELDS);
const ZReclaimFormSchema = z.object({ amount: ZTokenAmountSchema });

/** A new protocol version: enrolled participants are asked to re-consent to it. */
export function AmendProtocolForm({
  trialId,
  nextVersion,
}: {
  trialId: string;
  nextVersion: number;
}) {
  const { run, step, error, isBusy } = useSignedAction();
  const form = useForm({ resolver: zodResolver(ZAmendFormSchema) });
  async function amend(values: z.output<typeof ZAmendFormSchema>) {
    const protocol = await describeProtocol(values.protocol);
    if (await run({ type: "trial.amend", trialId, ...protocol })) form.reset();
  }
  return (
    <Form form={form} onSubmit={amend} isBusy={isBusy} className="flex flex-wrap items-end gap-3">
      <TextField name="protocol" label={`Protocol v${nextVersion} document`} type="file" required />
      <button type="submit" className="btn">
        Amend protocol
      </button>
      <ActionStatus step={step} error={error} />
    </Form>
  );
}

/** Tokens into the reward pool; the wallet signs a permit, so no separate approval is needed. */
export function FundRewardsForm({ trialId }: { trialId: string }) {
  const { run, step, error, isBusy } = useSignedAction();
  const form = useForm({
    resolver: zodResolver(ZFundFormSchema),
    defaultValues: { amount: "", perEnrollment: "" },
  });
  async function fund(values: z.output<typeof ZFundFormSchema>) {
    if (await run({ type: "trial.fundRewards", trialId, ...values })) form.reset();
  }
  return (
    <Form form={form} onSubmit={fund} isBusy={isBusy} className="flex flex-wrap items-end gap-3">
      <Field name="amount" label="Amount (TSR)">
        {(control) => (
          <input
            className="input w-32"
            required
            inputMode="decimal"
            placeholder="500"
            {...control}
            {...form.register("amount")}
          />
        )}
      </Field>
      <Field name="perEnrollment" label="Reward per enrolment (TSR)">
        {(control) => (
          <input
            className="input w-32"
            required
            inputMode="decimal"
            placeholder="25"
            {...control}
            {...form.register("perEnrollment")}
          />
        )}
      </Field>
      <button type="submit" className="btn">
        Fund rewards
      </button>
      <ActionStatus step={step} error={error} />
    </Form>
  );
}

/** Unused tokens of the pool back to the sponsor's wallet (credited rewards stay credited). */
export function ReclaimRewardsForm({ trialId }: { trialId: string }) {
  const { run, step, error, isBusy } = useSignedAction();
  const form = useForm({
    resolver: zodResolver(ZReclaimFormSchema),
    defaultValues: { amount: "" },
  });
  async function reclaim(values: z.output<typeof ZReclaimFormSchema>) {
    if (await run({ type: "trial.reclaimRewards", trialId, ...values })) form.reset();
  }
  return (
    <Form form={form} onSubmit={reclaim} isBusy={isBusy} className="flex flex-wrap items-end gap-3">
      <Field name="amount" label="Take back from the pool (TSR)">
        {(control) => (
          <input
            className="input w-32"
            required
            inputMode="decimal"
            {...control}
            {...form.register("amount")}
          />
        )}
      </Field>
      <button type="submit" className="btn-secondary">
        Take back
      </button>
      <ActionStatus step={step} error={error} />
    </Form>
  );
}
