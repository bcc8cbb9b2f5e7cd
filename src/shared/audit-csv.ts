import Papa from "papaparse";
import { FORMULA_CELL } from "~/shared/csv-safety";
import type { TimelineCategory } from "~/shared/timeline-categories";

/** The timeline fields the CSV holds (services/audit/timeline.ts's entries have them). */
type TimelineCsvEntry = {
  time: Date;
  blockNumber: number;
  txHash: string;
  logIndex: number;
  event: string;
  category: TimelineCategory;
  summary: string;
  actor: string | null;
};

/**
 * The audit report as one CSV row per finding, for spreadsheets: each check's verdict, each of
 * its failures and each piece of evidence. Pure, so the page builds it in the browser.
 */
export function auditReportCsv(report: {
  trial: { registryId: string };
  chainId: number;
  checkedAt: string;
  checks: {
    name: string;
    passed: boolean;
    evidence: Record<string, unknown>;
    failures: string[];
  }[];
}): string {
  const rows = report.checks.flatMap((check) => [
    [check.name, check.passed ? "passed" : "failed", "verdict", ""],
    ...check.failures.map((failure) => [check.name, "failed", "failure", failure]),
    ...Object.entries(check.evidence).map(([key, value]) => [
      check.name,
      check.passed ? "passed" : "failed",
      `evidence:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  ]);
  return Papa.unparse(
    {
      fields: ["trial", "chain_id", "checked_at", "check", "result", "kind", "detail"],
      data: rows.map((row) => [report.trial.registryId, report.chainId, report.checkedAt, ...row]),
    },
    { escapeFormulae: FORMULA_CELL },
  );
}

/** The trial's timeline, one row per on-chain event; cells that look like formulas are escaped. */
export function timelineCsv(entries: TimelineCsvEntry[]): string {
  return Papa.unparse(
    {
      fields: ["time", "block", "log_index", "tx_hash", "category", "event", "actor", "summary"],
      data: entries.map((entry) => [
        new Date(entry.time).toISOString(),
        entry.blockNumber,
        entry.logIndex,
        entry.txHash,
        entry.category,
        entry.event,
        entry.actor ?? "",
        entry.summary,
      ]),
    },
    { escapeFormulae: FORMULA_CELL },
  );
}
