/** The audit documents of a trial, generated on request (auditors, and the trial's sponsor). */
const FILES = [
  { file: "report.pdf", label: "Audit report (PDF)" },
  { file: "timeline.csv", label: "Timeline (CSV)" },
  { file: "fhir-bundle.json", label: "FHIR R4 Bundle" },
  { file: "sdtm-ds.csv", label: "SDTM DS (CSV)" },
] as const;

export function TrialDownloads({ trialId }: { trialId: string }) {
  return (
    <ul className="flex flex-wrap gap-2 text-sm">
      {FILES.map(({ file, label }) => (
        <li key={file}>
          <a
            className="btn-secondary"
            href={`/api/audit/${encodeURIComponent(trialId)}/${file}`}
            download
            data-testid={`download-${file}`}
          >
            {label}
          </a>
        </li>
      ))}
    </ul>
  );
}
