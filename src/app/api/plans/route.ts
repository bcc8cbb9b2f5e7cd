import { getDb } from "~/server/db";
import { MAX_PLAN_BYTES, saveResearchPlan } from "~/server/services/plans/research-plans";
import { saveRequestBody } from "~/server/services/uploads/receive-upload";
import { AppError } from "~/server/errors";
import { readFileName, withSession } from "../route-guard";

export const dynamic = "force-dynamic";

/** POST a research-plan document (PDF or text) as the raw body; answers its id and hash. */
export function POST(request: Request) {
  const access = {
    roles: ["RESEARCHER"] as const,
    roleRefusal: "Research plans are for researcher accounts.",
  };
  return withSession(request, access, async (user) => {
    const fileName = readFileName(request, "plan");
    if (!request.body) throw new AppError("BAD_INPUT", "The document is empty.");
    const saved = await saveRequestBody(request.body, MAX_PLAN_BYTES).catch((error: unknown) => {
      throw error instanceof AppError
        ? error
        : new AppError("BAD_INPUT", "The upload was interrupted; try again.");
    });
    try {
      const plan = await saveResearchPlan({
        db: getDb(),
        researcherId: user.id,
        fileName,
        filePath: saved.file,
      });
      return Response.json(plan);
    } finally {
      await saved.cleanUp();
    }
  });
}
