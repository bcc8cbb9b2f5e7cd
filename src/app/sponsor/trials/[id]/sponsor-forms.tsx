"use client";

import { useState, type FormEvent } from "react";
import { field, protocolFromForm } from "../../../_components/protocol-file";
import { ActionStatus } from "../../../_components/action-status";
import { useSignedAction } from "../../../_components/use-signed-action";

/** A new protocol version: enrolled participants are asked to re-consent to it. */
export function AmendProtocolForm({
  trialId,
  nextVersion,
}: {
  trialId: string;
  nextVersion: number;
}) {
  const { run, step, error, isBusy } = useSignedAction();
  const [formError, setFormError] = useState<string | null>(null);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const form = event.currentTarget;
    const protocol = await protocolFromForm(new FormData(form));
    if (typeof protocol === "string") return setFormError(protocol);
    const isDone = await run({ type: "trial.amend", trialId, ...protocol });
    if (isDone) form.reset();
  }
  return (
    <form className="flex flex-wrap items-end gap-3" onSubmit={(event) => void onSubmit(event)}>
      <label className="label">
        Protocol v{nextVersion} document
        <input name="protocol" type="file" className="input" required />
      </label>
      <button type="submit" className="btn" disabled={isBusy}>
        Amend protocol
      </button>
      <ActionStatus step={step} error={formError ?? error} />
    </form>
  );
}

/** Tokens into the reward pool; the wallet signs a permit, so no separate approval is needed. */
export function FundRewardsForm({ trialId }: { trialId: string }) {
  const { run, step, error, isBusy } = useSignedAction();
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const isDone = await run({
      type: "trial.fundRewards",
      trialId,
      amount: field(data, "amount"),
      perEnrollment: field(data, "perEnrollment"),
    });
    if (isDone) form.reset();
  }
  return (
    <form className="flex flex-wrap items-end gap-3" onSubmit={(event) => void onSubmit(event)}>
      <label className="label">
        Amount (TSR)
        <input
          name="amount"
          className="input w-32"
          required
          inputMode="decimal"
          placeholder="500"
        />
      </label>
      <label className="label">
        Reward per enrolment (TSR)
        <input
          name="perEnrollment"
          className="input w-32"
          required
          inputMode="decimal"
          placeholder="25"
        />
      </label>
      <button type="submit" className="btn" disabled={isBusy}>
        Fund rewards
      </button>
      <ActionStatus step={step} error={error} />
    </form>
  );
}

/** Unused tokens of the pool back to the sponsor's wallet (credited rewards stay credited). */
export function ReclaimRewardsForm({ trialId }: { trialId: string }) {
  const { run, step, error, isBusy } = useSignedAction();
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const isDone = await run({
      type: "trial.reclaimRewards",
      trialId,
      amount: field(new FormData(form), "amount"),
    });
    if (isDone) form.reset();
  }
  return (
    <form className="flex flex-wrap items-end gap-3" onSubmit={(event) => void onSubmit(event)}>
      <label className="label">
        Take back from the pool (TSR)
        <input name="amount" className="input w-32" required inputMode="decimal" />
      </label>
      <button type="submit" className="btn-secondary" disabled={isBusy}>
        Take back
      </button>
      <ActionStatus step={step} error={error} />
    </form>
  );
}
