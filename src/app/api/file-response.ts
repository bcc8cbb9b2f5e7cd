import "server-only";
/** A generated file as a download only its reader's browser holds, and only while open. */
export function fileResponse(file: { name: string; type: string; body: Buffer }): Response {
  return new Response(new Uint8Array(file.body), {
    headers: {
      "content-type": file.type,
      "content-disposition": `attachment; filename="${file.name}"`,
      "cache-control": "private, no-store",
    },
  });
}
