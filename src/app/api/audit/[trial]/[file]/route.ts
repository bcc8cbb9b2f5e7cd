import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import { AppError } from "~/server/errors";
import { getTrialExport, TRIAL_EXPORTS } from "~/server/services/audit/trial-exports";
import { fileResponse } from "../../../file-response";
import { isOneOf, withSession } from "../../../route-guard";

export const dynamic = "force-dynamic";

/** Audit documents of a trial: the PDF report, the timeline CSV, the FHIR Bundle, SDTM DS. */
export function GET(
  request: Request,
  context: { params: Promise<{ trial: string; file: string }> },
) {
  return withSession(request, {}, async (user) => {
    const { trial, file } = await context.params;
    if (!isOneOf(TRIAL_EXPORTS, file))
      throw new AppError("NOT_FOUND", `Ask for one of ${Object.keys(TRIAL_EXPORTS).join(", ")}.`);
    const result = await getTrialExport({
      db: getDb(),
      chain: await getChain(),
      trial,
      file,
      requestedBy: user,
    });
    return fileResponse(result);
  });
}
