import type { ConsentSummary } from "~/shared/consent-summary";
import { purposeLabel } from "~/shared/purposes";

/** The consent about to be signed, in plain words (src/shared/consent-summary.ts). */
export function PlainConsent({ summary }: { summary: ConsentSummary }) {
  return (
    <section
      className="space-y-3 rounded-md border border-teal-200 bg-teal-50 p-4 text-sm"
      data-testid="plain-consent"
      aria-label="What you are consenting to"
    >
      <h3 className="font-semibold">What you are consenting to</h3>
      {summary.purposes.length === 0 ? (
        <p>Choose at least one purpose.</p>
      ) : (
        <ul className="list-disc space-y-1 pl-5">
          {summary.purposes.map((purpose) => (
            <li key={purpose.key}>
              <strong>{purposeLabel(purpose.key)}:</strong> {purpose.allows} {purpose.excludes}
            </li>
          ))}
        </ul>
      )}
      <h4 className="font-medium">What a researcher receives</h4>
      <ul className="list-disc space-y-1 pl-5">
        {summary.receives.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <table className="text-left">
        <thead>
          <tr>
            <th className="pr-4 font-medium">Column</th>
            <th className="font-medium">In an extract</th>
          </tr>
        </thead>
        <tbody>
          {summary.columns.map((entry) => (
            <tr key={entry.column}>
              <td className="pr-4 font-mono text-xs">{entry.column}</td>
              <td>{entry.treatment}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{summary.decisions}</p>
      <h4 className="font-medium">What you can change later</h4>
      <ul className="list-disc space-y-1 pl-5">
        {summary.revocable.map((line) => (
          <li key={line}>{line}</li>
        ))}
        {summary.notRevocable.map((line) => (
          <li key={line}>
            <strong>Cannot be taken back:</strong> {line}
          </li>
        ))}
      </ul>
    </section>
  );
}
