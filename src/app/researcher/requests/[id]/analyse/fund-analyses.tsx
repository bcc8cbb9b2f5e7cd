"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ActionStatus } from "../../../../_components/action-status";
import { Form, TextField } from "../../../../_components/form";
import { useSignedAction } from "../../../../_components/use-signed-action";

const ZFundFormSchema = z.object({
  count: z.coerce
    .number<string>()
    .int("A whole number")
    .min(1, "Buy at least one analysis")
    .max(100, "At most 100 at once"),
});

/**
 * Buys analyses on the request (the signed action `analysis.fund`): each costs a tenth of the
 * request's escrow, is held with it, and what is unused comes back after the access period.
 */
export function FundAnalyses({
  requestId,
  creditsLeft,
}: {
  requestId: string;
  creditsLeft: number;
}) {
  const { run, step, error, isBusy } = useSignedAction();
  const form = useForm({ resolver: zodResolver(ZFundFormSchema), defaultValues: { count: "5" } });
  return (
    <Form
      form={form}
      isBusy={isBusy}
      onSubmit={async ({ count }) => {
        await run({ type: "analysis.fund", requestId, count });
      }}
      className="flex flex-wrap items-end gap-3"
      data-testid="fund-analyses"
    >
      <p className="w-full text-sm" data-testid="credits-left">
        {creditsLeft} analysis credit(s) left on this request.
      </p>
      <TextField name="count" label="Analyses to buy" inputMode="numeric" className="w-32" />
      <button type="submit" className="btn-secondary">
        Sign and buy analyses
      </button>
      <ActionStatus step={step} error={error} />
    </Form>
  );
}
