import "server-only";
import { Transform, type TransformCallback } from "node:stream";
import { AppError } from "~/server/errors";

/**
 * Decodes a byte stream as UTF-8, refusing binary data (NUL bytes) and invalid UTF-8 with a
 * reason a person can act on, and reporting bytes read for progress.
 */
export function utf8Text(onBytes?: (bytes: number) => void): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let bytes = 0;
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      onBytes?.(bytes);
      if (chunk.includes(0)) {
        callback(new AppError("BAD_INPUT", "This is a binary file, not CSV or JSON text."));
        return;
      }
      try {
        callback(null, decoder.decode(chunk, { stream: true }));
      } catch {
        callback(
          new AppError(
            "BAD_INPUT",
            `The file is not UTF-8 text (invalid bytes near byte ${bytes - chunk.length}); save it as UTF-8 and try again.`,
          ),
        );
      }
    },
    flush(callback: TransformCallback) {
      try {
        callback(null, decoder.decode());
      } catch {
        callback(
          new AppError(
            "BAD_INPUT",
            "The file ends in the middle of a UTF-8 character; save it as UTF-8 and try again.",
          ),
        );
      }
    },
  });
}

/** The same checks for a whole file already in memory (FHIR bundles are parsed whole). */
export function decodeUtf8Text(bytes: Buffer): string {
  if (bytes.includes(0))
    throw new AppError("BAD_INPUT", "This is a binary file, not CSV or JSON text.");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("BAD_INPUT", "The file is not UTF-8 text; save it as UTF-8 and try again.");
  }
}
