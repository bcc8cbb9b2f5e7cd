import { flagLabel, type FlaggedColumn, type KeptValue } from "./review-types";

/**
 * Text the scanner was not sure about, per column and value, highlighted where it occurs. A
 * flagged column is withheld unless the participant keeps it; in a kept column each flagged
 * value is withheld unless kept too.
 */
export function FlaggedTextReview({
  flagged,
  keptColumns,
  keptValues,
  onKeepColumn,
  onKeepValue,
}: {
  flagged: FlaggedColumn[];
  keptColumns: readonly string[];
  keptValues: readonly KeptValue[];
  onKeepColumn: (column: string, isKept: boolean) => void;
  onKeepValue: (value: KeptValue, isKept: boolean) => void;
}) {
  if (flagged.length === 0) return null;
  return (
    <section
      className="card space-y-4"
      data-testid="flagged-review"
      aria-labelledby="flagged-heading"
    >
      <div>
        <h2 id="flagged-heading" className="font-semibold">
          Review flagged text
        </h2>
        <p className="text-sm text-slate-700">
          We could not tell whether the highlighted words identify someone. Columns with such words
          are withheld unless you keep them, and in a kept column each highlighted word is replaced
          by “[WITHHELD]” unless you keep it. Keep only what you are sure is not a name, place,
          number or date about a person.
        </p>
      </div>
      {flagged.map((column, columnIndex) => {
        const isColumnKept = keptColumns.includes(column.column);
        const hintId = `flagged-column-${columnIndex}-hint`;
        return (
          <fieldset
            key={column.column}
            className="space-y-2 rounded-md border border-slate-200 p-3"
            data-testid="flagged-column"
          >
            <legend className="px-1 text-sm font-medium">
              Column <span className="font-mono">{column.column}</span>: {column.count} flagged{" "}
              {column.count === 1 ? "word" : "words"}
            </legend>
            <label className="inline-flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={isColumnKept}
                aria-describedby={hintId}
                onChange={(event) => onKeepColumn(column.column, event.target.checked)}
              />
              Publish the column {column.column}
            </label>
            <p id={hintId} className="text-xs text-slate-600">
              {isColumnKept
                ? "Published, with every highlighted word withheld except those you keep below."
                : "Withheld: this column will not be published."}
            </p>
            <ul className="space-y-2" aria-label={`Flagged words in ${column.column}`}>
              {column.values.map((value, valueIndex) => {
                const isKept = keptValues.some(
                  (kept) => kept.column === column.column && kept.text === value.text,
                );
                const examplesId = `flagged-${columnIndex}-${valueIndex}-examples`;
                return (
                  <li key={value.text} className="text-sm" data-testid="flagged-value">
                    <label className="inline-flex items-center gap-2">
                      <input
                        type="checkbox"
                        checked={isKept}
                        disabled={!isColumnKept}
                        aria-describedby={examplesId}
                        onChange={(event) =>
                          onKeepValue(
                            { column: column.column, text: value.text },
                            event.target.checked,
                          )
                        }
                      />
                      Keep “{value.text}”
                    </label>{" "}
                    <span className="text-xs text-slate-600">
                      ({flagLabel(value.type)}, {value.count}×)
                    </span>
                    <ul id={examplesId} className="ml-6 list-disc text-xs text-slate-700">
                      {value.examples.map((example, exampleIndex) => (
                        <li key={exampleIndex}>
                          …{example.before}
                          <mark
                            data-testid="flagged-span"
                            className={`rounded px-0.5 ${isKept && isColumnKept ? "bg-emerald-100" : "bg-amber-200"}`}
                          >
                            {value.text}
                          </mark>
                          {example.after}…
                        </li>
                      ))}
                    </ul>
                  </li>
                );
              })}
            </ul>
            {column.isTruncated && (
              <p className="text-xs text-amber-800">
                More flagged words than shown here: those not shown stay withheld.
              </p>
            )}
          </fieldset>
        );
      })}
    </section>
  );
}
