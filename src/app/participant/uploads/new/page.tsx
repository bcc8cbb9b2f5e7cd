import { NotForRole } from "../../../_components/not-for-role";
import { requireRole } from "../../../_components/require-role";
import { UploadForm } from "./upload-form";

export default async function NewUploadPage() {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="Sharing data" />;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Share your data</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        Upload a CSV file or an HL7 FHIR R4 Bundle (JSON), up to 50 MB. We remove names, contact
        details, record numbers and the other HIPAA Safe Harbor identifiers, keep only the year of
        dates, and show you the result and a report before anything is published. Your original file
        is not kept.
      </p>
      <UploadForm />
    </div>
  );
}
