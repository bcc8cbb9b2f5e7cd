import { getSessionFromRequest } from "~/server/auth";
import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import { isAppError } from "~/server/errors";
import {
  EXTRACT_FILES,
  getExtractFile,
  type ExtractFile,
} from "~/server/services/extracts/get-extract-file";

export const dynamic = "force-dynamic";

const STATUS = { NOT_FOUND: 404, FORBIDDEN: 403 } as Record<string, number>;

/** Downloads one file of an extract (csv, fhir or manifest) for the researcher who owns it. */
export async function GET(
  request: Request,
  context: { params: Promise<{ id: string; file: string }> },
) {
  const session = await getSessionFromRequest(request);
  if (!session) return Response.json({ message: "Sign in to continue." }, { status: 401 });
  const { id, file } = await context.params;
  if (!(file in EXTRACT_FILES))
    return Response.json({ message: "Ask for csv, fhir or manifest." }, { status: 404 });
  try {
    const result = await getExtractFile({
      db: getDb(),
      chain: await getChain(),
      researcherId: session.user.id,
      extractId: id,
      file: file as ExtractFile,
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
