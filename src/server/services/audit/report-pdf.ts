import "server-only";
import PDFDocument from "pdfkit";
import type { runAudit } from "./run-audit";
import type { TimelineEntry } from "./timeline";

type AuditReport = Awaited<ReturnType<typeof runAudit>>;

const CHECK_TITLE: Record<string, string> = {
  integrity: "1. Integrity: stored data matches its on-chain anchors",
  consent: "2. Consent: every data use was consented at its block",
  money: "3. Money: escrow and payouts reconcile",
  database: "4. Database agrees with the chain",
};
const MAX_LISTED = 40;

function evidenceText(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * The audit as a document a person reads: summary, each check with its verdict, failures and
 * evidence, then the trial's timeline. Built with PDFKit's standard fonts (nothing to fetch).
 */
export function auditReportPdf(report: AuditReport, timeline: TimelineEntry[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: `Audit of trial ${report.trial.registryId}`,
      Author: "TrialShare",
      Subject: "Trial data integrity, consent and payment audit",
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  doc.font("Helvetica-Bold").fontSize(18).text(`Audit of trial ${report.trial.registryId}`);
  doc.font("Helvetica").fontSize(11).text(report.trial.title).moveDown(0.5);
  doc
    .fontSize(9)
    .fillColor("#444")
    .text(`Checked ${report.checkedAt} on chain ${report.chainId}`)
    .text(`On-chain trial id ${report.trial.chainKey}`)
    .moveDown();
  const failed = report.checks.filter((check) => !check.passed);
  doc
    .fillColor(report.passed ? "#0f766e" : "#b91c1c")
    .font("Helvetica-Bold")
    .fontSize(14)
    .text(
      report.passed
        ? "Summary: every check passed."
        : `Summary: ${failed.length} of ${report.checks.length} checks failed (${failed.map((check) => check.name).join(", ")}).`,
    )
    .fillColor("black")
    .moveDown();

  for (const check of report.checks) {
    doc
      .font("Helvetica-Bold")
      .fontSize(12)
      .text(`${CHECK_TITLE[check.name] ?? check.name}: ${check.passed ? "PASSED" : "FAILED"}`);
    doc.font("Helvetica").fontSize(9);
    for (const failure of check.failures.slice(0, MAX_LISTED)) doc.text(`• ${failure}`);
    if (check.failures.length > MAX_LISTED)
      doc.text(`… and ${check.failures.length - MAX_LISTED} more (see the JSON report).`);
    doc.fillColor("#444");
    for (const [key, value] of Object.entries(check.evidence))
      doc.text(`${key}: ${evidenceText(value)}`);
    doc.fillColor("black").moveDown();
  }

  doc.addPage().font("Helvetica-Bold").fontSize(14).text("Timeline").moveDown(0.5);
  doc.font("Helvetica").fontSize(8);
  if (timeline.length === 0) doc.text("No on-chain events indexed for this trial yet.");
  for (const entry of timeline) {
    doc
      .font("Helvetica-Bold")
      .text(`${entry.time.toISOString().replace("T", " ").slice(0, 19)}  ${entry.event}`, {
        continued: true,
      })
      .font("Helvetica")
      .text(`  block ${entry.blockNumber}, tx ${entry.txHash}`)
      .text(entry.summary, { indent: 12 })
      .moveDown(0.3);
  }
  doc.end();
  return done;
}
