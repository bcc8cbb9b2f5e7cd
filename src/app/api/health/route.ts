import { getHealth } from "~/server/services/health/get-health";

export const dynamic = "force-dynamic";

/** Liveness and readiness in one: 200 when the database and chain answer, 503 otherwise. */
export async function GET() {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
}
