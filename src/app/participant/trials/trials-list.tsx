"use client";

import { api } from "~/trpc/react";
import { ActionButton } from "../../_components/action-button";
import { EmptyState, ErrorState, LoadingState } from "../../_components/page-state";

export function TrialsList() {
  const trials = api.enrollments.trials.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some(
        (trial) => trial.enrollment.pendingAction || trial.enrollment.anchorStatus === "PENDING",
      )
        ? 1_500
        : false,
  });
  if (trials.isPending) return <LoadingState />;
  if (trials.error)
    return <ErrorState message={trials.error.message} onRetry={() => void trials.refetch()} />;
  if (trials.data.length === 0)
    return <EmptyState>You are not enrolled in any trial yet.</EmptyState>;
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
          {trial.enrollment.pendingAction || trial.enrollment.anchorStatus === "PENDING" ? (
            <p className="text-sm text-amber-800" aria-live="polite">
              Recording on chain (
              {(trial.enrollment.pendingAction ?? "enrollment.enroll").replace("enrollment.", "")}
              )…
            </p>
          ) : trial.enrollment.anchorStatus === "FAILED" ? (
            <p className="text-sm text-red-800">
              Your enrolment could not be recorded; ask your study team for a new invitation.
            </p>
          ) : trial.enrollment.isEnrolled ? (
            <div className="space-y-2">
              <div className="flex flex-wrap items-center gap-3 text-sm">
                <span
                  className="rounded-full bg-emerald-100 px-2 py-0.5 text-emerald-900"
                  data-testid="enrolled"
                >
                  Enrolled (protocol v{trial.enrollment.protocolVersion})
                </span>
                {trial.enrollment.needsReconsent && (
                  <ActionButton
                    action={{ type: "enrollment.reconsent", trialId: trial.id }}
                    testId="reconsent"
                  >
                    Consent to protocol v{trial.currentVersion}
                  </ActionButton>
                )}
                <ActionButton
                  action={{ type: "enrollment.withdraw", trialId: trial.id }}
                  variant="secondary"
                  confirm="Withdraw from this trial? Your listings linked to it stop being available at once."
                >
                  Withdraw
                </ActionButton>
              </div>
              {trial.enrollment.needsReconsent && (
                <p className="text-sm text-amber-800" data-testid="reconsent-needed">
                  The sponsor amended the protocol to version {trial.currentVersion}. Until you
                  consent to it, researchers cannot request or use your{" "}
                  {trial.enrollment.waitingListings === 1
                    ? "listing linked to this trial"
                    : `${trial.enrollment.waitingListings} listings linked to this trial`}
                  ; approvals you gave before the amendment do not carry over.
                </p>
              )}
            </div>
          ) : (
            <p className="text-sm text-slate-600">
              You withdrew from this trial. An invitation from the study team lets you enrol again.
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
