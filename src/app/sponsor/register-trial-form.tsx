"use client";

import { useState, type FormEvent } from "react";
import { TRIAL_PHASES, type TrialPhase } from "~/shared/trial-phases";
import { field, protocolFromForm } from "../_components/protocol-file";
import { ActionStatus } from "../_components/action-status";
import { useSignedAction } from "../_components/use-signed-action";

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

export function RegisterTrialForm() {
  const { run, step, error, isBusy } = useSignedAction();
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const form = event.currentTarget;
    const data = new FormData(form);
    const protocol = await protocolFromForm(data);
    if (typeof protocol === "string") return setFormError(protocol);
    const isDone = await run({
      type: "trial.register",
      registryId: field(data, "registryId"),
      title: field(data, "title"),
      phase: field(data, "phase") as TrialPhase,
      conditions: lines(field(data, "conditions")),
      sites: lines(field(data, "sites")),
      ...protocol,
    });
    if (isDone) form.reset();
  }

  return (
    <form className="grid max-w-2xl gap-3" onSubmit={(event) => void onSubmit(event)}>
      <label className="label">
        Registry id (e.g. NCT number)
        <input name="registryId" className="input" required placeholder="NCT01234567" />
      </label>
      <label className="label">
        Title
        <input name="title" className="input" required minLength={5} />
      </label>
      <label className="label">
        Phase
        <select name="phase" className="input" defaultValue="Phase 2">
          {TRIAL_PHASES.map((phase) => (
            <option key={phase}>{phase}</option>
          ))}
        </select>
      </label>
      <label className="label">
        Conditions (one per line or comma-separated)
        <textarea name="conditions" className="input" rows={2} required />
      </label>
      <label className="label">
        Sites (one per line or comma-separated)
        <textarea name="sites" className="input" rows={2} />
      </label>
      <label className="label">
        Protocol document
        <input name="protocol" type="file" className="input" required />
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={isBusy}>
          Register trial
        </button>
        <ActionStatus step={step} error={formError ?? error} />
      </div>
    </form>
  );
}
