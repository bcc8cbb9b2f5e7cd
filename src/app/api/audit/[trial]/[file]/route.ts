import { getSessionFromRequest } from "~/server/auth";
import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import {
  getTrialExport,
  TRIAL_EXPORTS,
  type TrialExport,
} from "~/server/services/audit/trial-exports";
import { errorResponse, fileResponse } from "../../../file-response";

export const dynamic = "force-dynamic";

/** Audit documents of a trial: the PDF report, the timeline CSV, the FHIR Bundle, SDTM DS. */
export async function GET(
  request: Request,
  context: { params: Promise<{ trial: string; file: string }> },
) {
  const session = await getSessionFromRequest(request);
  if (!session) return Response.json({ message: "Sign in to continue." }, { status: 401 });
  const { trial, file } = await context.params;
  if (!(file in TRIAL_EXPORTS))
    return Response.json(
      { message: `Ask for one of ${Object.keys(TRIAL_EXPORTS).join(", ")}.` },
      { status: 404 },
    );
  try {
    const result = await getTrialExport({
      db: getDb(),
      chain: await getChain(),
      trial,
      file: file as TrialExport,
      requestedBy: session.user,
    });
    return fileResponse(result);
  } catch (error) {
    return errorResponse(error);
  }
}
