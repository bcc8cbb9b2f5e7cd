import { getSessionFromRequest } from "~/server/auth";
import { getDb } from "~/server/db";
import { isAppError } from "~/server/errors";
import { MAX_PLAN_BYTES, saveResearchPlan } from "~/server/services/plans/research-plans";
import { saveRequestBody } from "~/server/services/uploads/receive-upload";

export const dynamic = "force-dynamic";

/** POST a research-plan document (PDF or text) as the raw body; answers its id and hash. */
export async function POST(request: Request) {
  const session = await getSessionFromRequest(request);
  if (!session) return Response.json({ message: "Sign in to continue." }, { status: 401 });
  if (session.user.role !== "RESEARCHER")
    return Response.json(
      { message: "Research plans are for researcher accounts." },
      { status: 403 },
    );
  if (!request.body) return Response.json({ message: "The document is empty." }, { status: 400 });
  let saved;
  try {
    saved = await saveRequestBody(request.body, MAX_PLAN_BYTES);
  } catch (error) {
    return Response.json(
      { message: isAppError(error) ? error.message : "The upload was interrupted; try again." },
      { status: 413 },
    );
  }
  try {
    const fileName = decodeURIComponent(request.headers.get("x-file-name") ?? "plan").replace(
      /[^\w .()-]/g,
      "_",
    );
    const plan = await saveResearchPlan({
      db: getDb(),
      researcherId: session.user.id,
      fileName,
      filePath: saved.file,
    });
    return Response.json(plan);
  } catch (error) {
    if (isAppError(error)) return Response.json({ message: error.message }, { status: 400 });
    throw error;
  } finally {
    await saved.cleanUp();
  }
}
