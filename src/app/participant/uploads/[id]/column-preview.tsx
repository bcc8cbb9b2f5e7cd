import { ScrollRegion } from "../../../_components/scroll-region";
import { FlaggedParts } from "./flagged-parts";
import type { KeptValue, UploadView } from "./review-types";

/** The first de-identified rows; unticking a column leaves it out of the listing. */
export function ColumnPreview({
  columns,
  preview,
  dropped,
  withheld,
  keptValues,
  onToggle,
}: {
  columns: string[];
  preview: UploadView["preview"];
  dropped: readonly string[];
  /** Flagged columns not (yet) kept: shown struck through like dropped ones. */
  withheld: readonly string[];
  /** Flagged values kept, per column: shown as kept in the preview. */
  keptValues: readonly KeptValue[];
  onToggle: (column: string, isKept: boolean) => void;
}) {
  const isOut = (column: string) => dropped.includes(column) || withheld.includes(column);
  return (
    <section className="card space-y-2" aria-labelledby="preview-heading">
      <h2 id="preview-heading" className="font-semibold">
        Preview (first {preview.length} rows) — untick a column to leave it out
      </h2>
      <ScrollRegion label="Preview rows (scrolls sideways)">
        <table className="text-left text-xs" data-testid="preview">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col" className="whitespace-nowrap px-2 py-1">
                  <label className="inline-flex items-center gap-1">
                    <input
                      type="checkbox"
                      checked={!dropped.includes(column)}
                      aria-label={`Include column ${column}`}
                      onChange={(event) => onToggle(column, event.target.checked)}
                    />
                    {column}
                    {withheld.includes(column) && (
                      <span className="text-amber-800"> (withheld: review below)</span>
                    )}
                  </label>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.map((row, index) => (
              <tr key={index} className="border-t border-slate-100">
                {row.map((cell, column) => (
                  <td
                    key={column}
                    className={`whitespace-nowrap px-2 py-1 ${isOut(columns[column] ?? "") ? "text-slate-300 line-through" : ""}`}
                  >
                    <FlaggedParts
                      parts={cell}
                      keptTexts={
                        new Set(
                          keptValues
                            .filter(
                              (value) =>
                                value.column === columns[column] &&
                                !withheld.includes(value.column),
                            )
                            .map((value) => value.text),
                        )
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}
