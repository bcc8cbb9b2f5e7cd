import type { PurposeKey } from "./purposes";
import {
  EXTRACT_DEFAULT_K,
  EXTRACT_MIN_K,
  MAX_SUPPRESSION_SHARE,
  quasiIdentifierKind,
  type QuasiKind,
} from "./quasi-identifiers";

/**
 * The consent a participant is about to give, in plain words: what each allowed purpose lets a
 * researcher do (and not do), what a researcher receives of the data, and what can be taken
 * back later. Shown before signing; the same rules the marketplace and the contracts enforce.
 */
export const PLAIN_PURPOSES: Record<PurposeKey, { allows: string; excludes: string }> = {
  ACADEMIC_RESEARCH: {
    allows:
      "Researchers at universities and hospitals may study your data for research they intend to publish.",
    excludes: "It does not allow selling products or training commercial AI models.",
  },
  COMMERCIAL_RESEARCH: {
    allows:
      "Companies may study your data for research that can lead to products or services they sell.",
    excludes: "It does not allow re-selling your records to others.",
  },
  DRUG_DEVELOPMENT: {
    allows: "Pharmaceutical and device companies may use your data to develop or test treatments.",
    excludes: "It does not allow uses unrelated to developing treatments.",
  },
  AI_TRAINING: {
    allows:
      "Your de-identified records may be used to train or evaluate machine-learning models, which may keep patterns learned from them.",
    excludes: "A model trained before you revoke cannot be un-trained.",
  },
  PUBLIC_HEALTH: {
    allows:
      "Public health agencies and researchers may use your data to monitor and protect the health of a population.",
    excludes: "It does not allow commercial uses.",
  },
};

const GENERALISED: Record<QuasiKind, string> = {
  age: "grouped into age bands (for example 40-44), widened if needed",
  zip: "cut to the region (first digit of the 3-digit ZIP), or removed",
  year: "rounded to the decade, or removed",
  category: "kept only where enough others share it, otherwise removed",
};

export type ConsentSummary = {
  purposes: { key: PurposeKey; allows: string; excludes: string }[];
  receives: string[];
  columns: { column: string; treatment: string }[];
  decisions: string;
  revocable: string[];
  notRevocable: string[];
};

export function describeConsent(terms: {
  purposes: PurposeKey[];
  keepColumns: string[];
  autoApprove: boolean;
  expiresAt: string;
  isLinkedToTrial: boolean;
}): ConsentSummary {
  return {
    purposes: terms.purposes.map((key) => ({ key, ...PLAIN_PURPOSES[key] })),
    receives: [
      "Only the de-identified columns listed below: direct identifiers (names, contact details, record numbers…) were removed and dates cut to the year.",
      `Your records are pooled with other participants' and released only in groups where each record looks the same as at least ${EXTRACT_DEFAULT_K - 1} others on the columns that could single you out (k-anonymity, k = ${EXTRACT_DEFAULT_K} by default, never below ${EXTRACT_MIN_K}); up to ${MAX_SUPPRESSION_SHARE * 100}% of records may be held back to achieve it, otherwise nothing is released.`,
      "Researchers never learn your name or account; every delivery is recorded on chain and shown in your ledger.",
    ],
    columns: terms.keepColumns.map((column) => {
      const kind = quasiIdentifierKind(column);
      return { column, treatment: kind ? GENERALISED[kind] : "kept as it is" };
    }),
    decisions: terms.autoApprove
      ? "Requests for an allowed purpose are approved automatically; others are refused."
      : "You decide each request yourself; without a decision it lapses and the researcher is refunded.",
    revocable: [
      `Your consent ends on ${terms.expiresAt} unless you revoke it earlier.`,
      "You can revoke consent at any time on the listing's page: no new request, approval or use is allowed from then on.",
      "You can erase the listing: its data and keys are destroyed.",
      ...(terms.isLinkedToTrial
        ? [
            "If you withdraw from the trial, or its protocol changes and you do not consent again, the listing cannot be used.",
          ]
        : []),
    ],
    notRevocable: [
      "Records already delivered to a researcher stay with them, governed by the purpose and access period of their request.",
    ],
  };
}
