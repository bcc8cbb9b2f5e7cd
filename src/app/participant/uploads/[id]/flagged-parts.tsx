import { flagLabel, type PreviewPart } from "./review-types";

/** A de-identified cell with the text the scanner was unsure about highlighted. */
export function FlaggedParts({
  parts,
  keptTexts,
}: {
  parts: PreviewPart[];
  keptTexts?: ReadonlySet<string>;
}) {
  return (
    <>
      {parts.map((part, index) =>
        part.type === null ? (
          <span key={index}>{part.text}</span>
        ) : (
          <mark
            key={index}
            data-testid="flagged-span"
            title={flagLabel(part.type)}
            aria-label={`${part.text} (flagged: ${flagLabel(part.type)}${keptTexts?.has(part.text) ? ", kept" : ", withheld unless kept"})`}
            className={`rounded px-0.5 ${keptTexts?.has(part.text) ? "bg-emerald-100 text-emerald-900" : "bg-amber-200 text-amber-950"}`}
          >
            {part.text}
          </mark>
        ),
      )}
    </>
  );
}
