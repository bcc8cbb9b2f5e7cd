import "server-only";
import { keccak256, toUtf8Bytes } from "ethers";
import type { TRegisterOutput } from "~/shared/research-output";

export type OutputDescription = {
  kind: TRegisterOutput["kind"];
  title: string;
  doi: string | null;
  url: string | null;
  summary: string | null;
};

/** The description as stored and hashed: DOIs are case-insensitive, so kept in lower case. */
export function describeOutput(input: Omit<TRegisterOutput, "requestId">): OutputDescription {
  return {
    kind: input.kind,
    title: input.title,
    doi: input.doi?.toLowerCase() ?? null,
    url: input.url ?? null,
    summary: input.summary ?? null,
  };
}

/**
 * What DataMarketplace.registerOutput records: keccak256 of the description as JSON with its
 * keys in this fixed order. Anyone holding the description (the publication is public) can
 * recompute it; it carries no personal data, and the chain learns nothing but the hash.
 */
export function hashOutput(description: OutputDescription): string {
  return keccak256(
    toUtf8Bytes(
      JSON.stringify({
        kind: description.kind,
        title: description.title,
        doi: description.doi,
        url: description.url,
        summary: description.summary,
      }),
    ),
  );
}
