import { getSessionFromRequest } from "~/server/auth";
import { getDb } from "~/server/db";
import { isAppError } from "~/server/errors";
import { readResearchPlan } from "~/server/services/plans/research-plans";

export const dynamic = "force-dynamic";

/** The plan document, for its researcher and the owners of listings it was used to request. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const session = await getSessionFromRequest(request);
  if (!session) return Response.json({ message: "Sign in to continue." }, { status: 401 });
  try {
    const plan = await readResearchPlan({
      db: getDb(),
      userId: session.user.id,
      planId: (await context.params).id,
    });
    return new Response(new Uint8Array(plan.body), {
      headers: {
        "content-type": plan.mimeType,
        "content-disposition": `inline; filename="${plan.fileName}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (isAppError(error)) return Response.json({ message: error.message }, { status: 404 });
    throw error;
  }
}
