"use client";

import { auditReportCsv } from "~/shared/audit-csv";
import Link from "next/link";
import { api, type RouterOutputs } from "~/trpc/react";
import { TrialDownloads } from "../_components/trial-downloads";
import { EmptyState, ErrorState, LoadingState } from "../_components/page-state";

type Report = RouterOutputs["audit"]["run"];

const CHECK_LABEL: Record<string, string> = {
  integrity: "Data matches its anchors",
  consent: "Consent at every data use",
  money: "Escrow and payouts balance",
  database: "Database agrees with the chain",
  analyses: "Analyses within consent and budget, outputs as recorded",
};

function download(report: Report, format: "json" | "csv") {
  const blob =
    format === "json"
      ? new Blob([JSON.stringify(report, null, 2)], { type: "application/json" })
      : new Blob([auditReportCsv(report)], { type: "text/csv" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `audit-${report.trial.registryId}-${report.checkedAt.slice(0, 10)}.${format}`;
  link.click();
  URL.revokeObjectURL(link.href);
}

export function AuditPanel() {
  const trials = api.trials.auditable.useQuery();
  const audit = api.audit.run.useMutation();
  if (trials.isPending) return <LoadingState />;
  if (trials.error)
    return <ErrorState message={trials.error.message} onRetry={() => void trials.refetch()} />;
  if (trials.data.length === 0) return <EmptyState>No trials to audit.</EmptyState>;
  return (
    <div className="space-y-4">
      <ul className="space-y-2">
        {trials.data.map((trial) => (
          <li key={trial.id} className="card flex flex-wrap items-center justify-between gap-2">
            <span>
              <strong>{trial.registryId}</strong> — {trial.title}{" "}
              <span className="text-sm text-slate-600">({trial.sponsorName})</span>
            </span>
            <span className="flex items-center gap-3">
              <Link
                href={`/audit/${trial.id}/timeline`}
                className="text-sm text-teal-800 underline"
              >
                Timeline
              </Link>
              <Link
                href={`/audit/${trial.id}/analyses`}
                className="text-sm text-teal-800 underline"
              >
                Analyses
              </Link>
              <button
                type="button"
                className="btn"
                disabled={audit.isPending}
                onClick={() => audit.mutate({ trialId: trial.id })}
              >
                {audit.isPending && audit.variables.trialId === trial.id
                  ? "Reading the chain…"
                  : "Run audit"}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {audit.error && (
        <p role="alert" className="card text-red-800">
          {audit.error.message}
        </p>
      )}
      {audit.data && <AuditReport report={audit.data} />}
    </div>
  );
}

function AuditReport({ report }: { report: Report }) {
  return (
    <section className="card space-y-3" data-testid="audit-report">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">
          {report.trial.registryId}:{" "}
          <span
            data-testid="audit-verdict"
            className={report.passed ? "text-emerald-800" : "text-red-800"}
          >
            {report.passed ? "all checks passed" : "checks failed"}
          </span>
        </h2>
        <div className="flex gap-2">
          <button type="button" className="btn-secondary" onClick={() => download(report, "json")}>
            Download JSON
          </button>
          <button type="button" className="btn-secondary" onClick={() => download(report, "csv")}>
            Download findings (CSV)
          </button>
        </div>
      </div>
      <p className="text-sm text-slate-600">
        Chain {report.chainId}, trial id <code className="break-all">{report.trial.chainKey}</code>,
        checked {new Date(report.checkedAt).toLocaleString()}.
      </p>
      <TrialDownloads trialId={report.trial.id} />
      <ul className="space-y-2">
        {report.checks.map((check) => (
          <li key={check.name} data-testid={`check-${check.name}`}>
            <p className={check.passed ? "text-emerald-800" : "text-red-800"}>
              {check.passed ? "✓" : "✗"} {CHECK_LABEL[check.name] ?? check.name}
            </p>
            {check.failures.length > 0 && (
              <ul className="ml-6 list-disc text-sm text-red-800">
                {check.failures.map((failure) => (
                  <li key={failure}>{failure}</li>
                ))}
              </ul>
            )}
            <p className="ml-6 text-xs text-slate-600">
              {Object.entries(check.evidence)
                .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
                .join(" · ")}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
