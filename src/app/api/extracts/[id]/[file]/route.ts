import { getSessionFromRequest } from "~/server/auth";
import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import {
  EXTRACT_FILES,
  getExtractFile,
  type ExtractFile,
} from "~/server/services/extracts/get-extract-file";
import { errorResponse, fileResponse } from "../../../file-response";

export const dynamic = "force-dynamic";

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
    return fileResponse(result);
  } catch (error) {
    return errorResponse(error);
  }
}
