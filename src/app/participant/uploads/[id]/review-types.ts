import { IDENTIFIER_TYPES, type IdentifierType } from "~/shared/identifier-types";
import type { RouterOutputs } from "~/trpc/react";

export type UploadView = RouterOutputs["uploads"]["byId"];
export type PreviewPart = UploadView["preview"][number][number][number];
export type FlaggedColumn = UploadView["flagged"][number];

/** A flagged value the participant chose to publish as written. */
export type KeptValue = { column: string; text: string };

export function typeLabel(type: string | null): string {
  if (type === "PARTICIPANT_CHOICE") return "Your choice";
  if (type === "WITHHELD_FOR_REVIEW") return "Withheld for your review";
  return IDENTIFIER_TYPES[type as IdentifierType] ?? type ?? "";
}

/** Short words for a flagged value's kind, for highlights. */
export function flagLabel(type: string | null): string {
  return type === "NAME"
    ? "possible name"
    : type === "AGE_OVER_89"
      ? "possible age over 89"
      : `possible ${typeLabel(type).toLowerCase()}`;
}
