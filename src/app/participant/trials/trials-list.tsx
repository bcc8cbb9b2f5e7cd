"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { ActionButton } from "../../_components/action-button";

export function TrialsList() {
  const trials = api.enrollments.trials.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some((trial) => trial.enrollment?.pendingAction) ? 1_500 : false,
  });
  const [subjectIds, setSubjectIds] = useState<Record<string, string>>({});
  if (trials.isPending) return <p className="text-slate-600">Loading…</p>;
  if (trials.error)
    return (
      <p role="alert" className="card text-red-800">
        {trials.error.message}
      </p>
    );
  if (trials.data.length === 0)
    return <p className="card text-slate-600">No trials are open yet.</p>;
  return (
    <ul className="space-y-3">
      {trials.data.map((trial) => (
        <li key={trial.id} className="card space-y-2" data-testid={`trial-${trial.registryId}`}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="font-semibold">
              {trial.registryId} — {trial.title}
            </h2>
            <span className="text-sm text-slate-600">
              {trial.phase} · protocol v{trial.currentVersion} · {trial.sponsorName}
            </span>
          </div>
          <p className="text-sm text-slate-600">Conditions: {trial.conditions.join(", ")}</p>
          {trial.enrollment?.pendingAction ? (
            <p className="text-sm text-amber-800" aria-live="polite">
              Recording on chain ({trial.enrollment.pendingAction.replace("enrollment.", "")})…
            </p>
          ) : trial.enrollment?.isEnrolled ? (
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <span
                className="rounded-full bg-emerald-100 px-2 py-0.5 text-emerald-900"
                data-testid="enrolled"
              >
                Enrolled (protocol v{trial.enrollment.protocolVersion})
              </span>
              {trial.enrollment.needsReconsent && (
                <ActionButton action={{ type: "enrollment.reconsent", trialId: trial.id }}>
                  Consent to protocol v{trial.currentVersion}
                </ActionButton>
              )}
              <ActionButton
                action={{ type: "enrollment.withdraw", trialId: trial.id }}
                variant="secondary"
                confirm="Withdraw from this trial?"
              >
                Withdraw
              </ActionButton>
            </div>
          ) : (
            <div className="flex flex-wrap items-end gap-3">
              <label className="label">
                Your trial subject number (optional; never stored or published)
                <input
                  className="input"
                  value={subjectIds[trial.id] ?? ""}
                  maxLength={64}
                  onChange={(event) =>
                    setSubjectIds({ ...subjectIds, [trial.id]: event.target.value })
                  }
                />
              </label>
              <ActionButton
                action={{
                  type: "enrollment.enroll",
                  trialId: trial.id,
                  subjectId: subjectIds[trial.id] || undefined,
                }}
                testId="enroll"
              >
                Consent and enrol
              </ActionButton>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
