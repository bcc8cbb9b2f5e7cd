import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import { AppError } from "~/server/errors";
import { EXTRACT_FILES, getExtractFile } from "~/server/services/extracts/get-extract-file";
import { fileResponse } from "../../../file-response";
import { isOneOf, withSession } from "../../../route-guard";

export const dynamic = "force-dynamic";

/** Downloads one file of an extract (csv, fhir or manifest) for the researcher who owns it. */
export function GET(request: Request, context: { params: Promise<{ id: string; file: string }> }) {
  return withSession(request, {}, async (user) => {
    const { id, file } = await context.params;
    if (!isOneOf(EXTRACT_FILES, file))
      throw new AppError("NOT_FOUND", "Ask for csv, fhir or manifest.");
    const result = await getExtractFile({
      db: getDb(),
      chain: await getChain(),
      researcherId: user.id,
      extractId: id,
      file,
    });
    return fileResponse(result);
  });
}
