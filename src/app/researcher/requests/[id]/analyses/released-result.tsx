"use client";

import {
  resultCsv,
  resultTable,
  suppressedText,
  type TDisclosure,
  type TReleasedOutput,
} from "~/shared/analysis-result";
import { ResultBars } from "./result-bars";

const format = (value: string | number) =>
  typeof value === "number" && !Number.isInteger(value)
    ? String(Number(value.toPrecision(4)))
    : String(value);

/**
 * A released result: the disclosure checks first (what was suppressed and why, the ε spent),
 * then the table, a bar chart where the result is counts, and the CSV of exactly these figures
 * (made here from what was released: nothing else ever reaches the browser).
 */
export function ReleasedResult({
  analysisId,
  output,
  disclosure,
}: {
  analysisId: string;
  output: TReleasedOutput;
  disclosure: TDisclosure;
}) {
  const table = resultTable(output);
  const suppressed = suppressedText(disclosure.threshold);

  function downloadCsv() {
    const blob = new Blob([resultCsv(output, disclosure)], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `analysis-${analysisId.slice(2, 14)}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section className="space-y-3" data-testid="released-result">
      <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
        <p data-testid="disclosure-summary">
          ε {(disclosure.epsilonCentis / 100).toFixed(2)} spent on each listing used.{" "}
          {disclosure.suppressedCells === 0
            ? "No value was suppressed."
            : `${disclosure.suppressedCells} value(s) suppressed: the group is smaller than ${disclosure.threshold} records (the smallest group the listings' owners allow), or its noisy count is below ${disclosure.noisyThreshold}. Which of the two is never said, because that would tell the true count.`}
        </p>
        <p className="text-slate-600">
          Counts carry {disclosure.mechanism.replace("-", " ")} noise (scale{" "}
          {format(disclosure.noiseScale)}, at most {disclosure.recordsPerListing} record(s) per
          listing) and are rounded to the middle of their block of six.
        </p>
      </div>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm" data-testid="result-table">
          <thead>
            <tr>
              {table.header.map((name) => (
                <th key={name} scope="col" className="border-b px-2 py-1 text-left">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, index) => (
              <tr key={index}>
                {row.values.map((value, column) =>
                  value === null ? (
                    <td
                      key={column}
                      className="border-b px-2 py-1 text-amber-800 italic"
                      data-testid="suppressed-cell"
                    >
                      {suppressed}
                    </td>
                  ) : (
                    <td key={column} className="mono border-b px-2 py-1">
                      {format(value)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.chartColumn !== undefined && table.rows.length > 1 && (
        <ResultBars
          bars={table.rows.map((row) => ({
            label: row.label,
            value: row.values[table.chartColumn!] as number | null,
          }))}
        />
      )}
      <button type="button" className="btn-secondary" onClick={downloadCsv}>
        Download CSV
      </button>
    </section>
  );
}
