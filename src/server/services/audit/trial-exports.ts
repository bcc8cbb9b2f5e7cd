import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import type { SessionUser } from "~/server/session";
import { findAuditableTrial } from "./auditable-trial";
import { timelineCsv } from "~/shared/audit-csv";
import { auditReportPdf } from "./report-pdf";
import { runAudit } from "./run-audit";
import { trialFhirBundle, trialSdtmDs } from "./standards-export";
import { readTrialTimeline } from "./timeline";

export const TRIAL_EXPORTS = {
  "report.pdf": "application/pdf",
  "timeline.csv": "text/csv; charset=utf-8",
  "fhir-bundle.json": "application/fhir+json",
  "sdtm-ds.csv": "text/csv; charset=utf-8",
} as const;
export type TrialExport = keyof typeof TRIAL_EXPORTS;

/** One downloadable document about a trial, for an auditor or the trial's sponsor. */
export async function getTrialExport(options: {
  db: DbClient;
  chain: Chain;
  trial: string;
  file: TrialExport;
  requestedBy?: Pick<SessionUser, "id" | "role">;
}): Promise<{ name: string; type: string; body: Buffer }> {
  const { db, chain, file } = options;
  const trial = await findAuditableTrial(options);
  const timeline = await readTrialTimeline({ db, chainId: chain.chainId, trial });
  let body: Buffer;
  if (file === "report.pdf") {
    const report = await runAudit({ db, chain, trial: trial.id, requestedBy: options.requestedBy });
    body = await auditReportPdf(report, timeline);
  } else if (file === "timeline.csv") {
    body = Buffer.from(timelineCsv(timeline));
  } else if (file === "sdtm-ds.csv") {
    body = Buffer.from(trialSdtmDs(trial, timeline));
  } else {
    const [protocolVersions, listings] = await Promise.all([
      db.protocolVersion.findMany({
        where: { trialId: trial.id },
        orderBy: { version: "asc" },
        select: { version: true, documentName: true, documentHash: true },
      }),
      db.listing.findMany({
        where: { trialId: trial.id, status: { not: "DRAFT" } },
        select: { id: true, chainKey: true, title: true },
      }),
    ]);
    const bundle = trialFhirBundle(
      { ...trial, sponsorName: trial.sponsor.displayName, protocolVersions, listings },
      timeline,
    );
    body = Buffer.from(JSON.stringify(bundle, null, 2));
  }
  return { name: `${trial.registryId}-${file}`, type: TRIAL_EXPORTS[file], body };
}
