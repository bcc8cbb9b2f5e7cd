import { getDb } from "~/server/db";
import { readResearchPlan } from "~/server/services/plans/research-plans";
import { withSession } from "../../route-guard";

export const dynamic = "force-dynamic";

/** The plan document, for its researcher and the owners of listings a submitted request cites it for. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return withSession(request, {}, async (user) => {
    const plan = await readResearchPlan({
      db: getDb(),
      userId: user.id,
      planId: (await context.params).id,
    });
    return new Response(new Uint8Array(plan.body), {
      headers: {
        "content-type": plan.mimeType,
        "content-disposition": `inline; filename="${plan.fileName}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  });
}
