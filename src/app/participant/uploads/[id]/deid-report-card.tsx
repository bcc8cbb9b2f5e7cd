import { typeLabel, type UploadView } from "./review-types";

/** What de-identification found and did, as the report records it. */
export function DeidReportCard({ report }: { report: UploadView["report"] }) {
  const flagged = (report.flagged ?? []).reduce((sum, item) => sum + item.count, 0);
  return (
    <section
      className="card space-y-3"
      data-testid="deid-report"
      aria-labelledby="deid-report-heading"
    >
      <h2 id="deid-report-heading" className="font-semibold">
        De-identification report
      </h2>
      <p className="text-sm text-slate-700">
        {report.method}. {report.rowsOut} of {report.rowsIn} rows kept, {report.columnsOut.length}{" "}
        of {report.columnsIn.length} columns kept.
        {flagged > 0 && ` ${flagged} value(s) need your review below.`}
      </p>
      {report.removedColumns.length > 0 && (
        <p className="text-sm">
          <span className="font-medium">Columns removed:</span>{" "}
          {report.removedColumns
            .map((column) => `${column.column} (${typeLabel(column.type)})`)
            .join("; ")}
        </p>
      )}
      {report.generalizedColumns.length > 0 && (
        <p className="text-sm">
          <span className="font-medium">Columns generalised:</span>{" "}
          {report.generalizedColumns
            .map((column) => `${column.column} (${column.rule})`)
            .join("; ")}
        </p>
      )}
      <table className="data-table">
        <caption className="sr-only">Identifiers found, per column</caption>
        <thead>
          <tr>
            <th scope="col">Identifier found</th>
            <th scope="col">Column</th>
            <th scope="col">What we did</th>
            <th scope="col" className="sm:text-right">
              Cells
            </th>
          </tr>
        </thead>
        <tbody>
          {report.findings.map((finding) => (
            <tr key={`${finding.type}-${finding.column}-${finding.action}`}>
              <td data-label="Identifier">{typeLabel(finding.type)}</td>
              <td data-label="Column" className="font-mono text-xs">
                {finding.column}
              </td>
              <td data-label="What we did">{finding.action}</td>
              <td data-label="Cells" className="sm:text-right">
                {finding.count}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(report.dates ?? [])
        .filter((date) => date.removed > 0)
        .map((date) => (
          <p key={date.column} className="text-sm text-amber-800">
            {date.removed} date(s) in {date.column} had a two-digit year that could not be read with
            certainty; they were removed, not guessed.
          </p>
        ))}
      {report.notes.map((note) => (
        <p key={note} className="text-sm text-amber-800">
          {note}
        </p>
      ))}
    </section>
  );
}
