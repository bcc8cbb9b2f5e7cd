import { getSessionFromRequest } from "~/server/auth";
import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import { isAppError } from "~/server/errors";
import {
  getTrialExport,
  TRIAL_EXPORTS,
  type TrialExport,
} from "~/server/services/audit/trial-exports";

export const dynamic = "force-dynamic";

const STATUS = { NOT_FOUND: 404, FORBIDDEN: 403 } as Record<string, number>;

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
    return new Response(new Uint8Array(result.body), {
      headers: {
        "content-type": result.type,
        "content-disposition": `attachment; filename="${result.name}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (isAppError(error))
      return Response.json({ message: error.message }, { status: STATUS[error.code] ?? 400 });
    throw error;
  }
}
