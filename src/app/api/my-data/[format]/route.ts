import { getDb } from "~/server/db";
import { AppError } from "~/server/errors";
import { myDataFhirBundle } from "~/server/services/rights/export-fhir";
import { exportMyData } from "~/server/services/rights/export-my-data";
import { fileResponse } from "../../file-response";
import { withSession } from "../../route-guard";

export const dynamic = "force-dynamic";

/**
 * Everything TrialShare holds about the signed-in user, as JSON or as a FHIR R4 Bundle. Only
 * one's own: a `user` parameter naming someone else is refused.
 */
export function GET(request: Request, context: { params: Promise<{ format: string }> }) {
  return withSession(request, {}, async (user) => {
    const { format } = await context.params;
    if (format !== "json" && format !== "fhir")
      throw new AppError("NOT_FOUND", "Ask for /api/my-data/json or /api/my-data/fhir.");
    const requestedUserId = new URL(request.url).searchParams.get("user") ?? undefined;
    const data = await exportMyData({ db: getDb(), userId: user.id, requestedUserId });
    const day = data.exportedAt.slice(0, 10);
    const body =
      format === "json"
        ? { name: `trialshare-my-data-${day}.json`, type: "application/json", content: data }
        : {
            name: `trialshare-my-data-${day}.fhir.json`,
            type: "application/fhir+json",
            content: myDataFhirBundle(data),
          };
    return fileResponse({
      name: body.name,
      type: body.type,
      body: Buffer.from(JSON.stringify(body.content, null, 2)),
    });
  });
}
