import "server-only";
import { createHash } from "node:crypto";
import type {
  AuditEvent,
  Bundle,
  Consent,
  DocumentReference,
  FhirResource,
  Patient,
  PaymentReconciliation,
  ResearchSubject,
} from "fhir/r4";
import { formatTokens } from "~/shared/tokens";
import type { MyDataExport } from "./export-my-data";

/**
 * The same export as a FHIR R4 Bundle (GDPR Art. 20 portability in the format health systems
 * read): the account as a Patient, each enrolment as a ResearchSubject, each listing's consent
 * as a Consent and its de-identified data as a DocumentReference, each request, decision and
 * data use as an AuditEvent and each payment as a PaymentReconciliation, all carrying the
 * transaction hash of their on-chain record.
 */
const SYSTEM = {
  account: "urn:trialshare:account",
  registry: "urn:trialshare:trial-registry-id",
  listing: "urn:trialshare:listing",
  tx: "urn:trialshare:transaction",
  purpose: "urn:trialshare:consent-purpose",
  event: "urn:trialshare:event",
};
const fhirId = (value: string) => value.replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64);
const iso = (value: Date | string) => new Date(value).toISOString();
const txIdentifier = (txHash: string | null) =>
  txHash ? [{ system: SYSTEM.tx, value: txHash }] : [];

export function myDataFhirBundle(data: MyDataExport): Bundle {
  const patientId = fhirId(data.account.id);
  const patientRef = { reference: `Patient/${patientId}` };
  const patient: Patient = {
    resourceType: "Patient",
    id: patientId,
    identifier: [
      { system: SYSTEM.account, value: data.account.id },
      { system: "urn:ietf:rfc:3986", value: `urn:ethereum:${data.account.walletAddress}` },
    ],
    active: data.account.erasedAt === null,
    ...(data.account.erasedAt ? {} : { name: [{ text: data.account.displayName }] }),
    ...(data.account.email ? { telecom: [{ system: "email", value: data.account.email }] } : {}),
  };
  const subjects: ResearchSubject[] = data.enrollments.map((enrollment) => ({
    resourceType: "ResearchSubject",
    id: fhirId(`subject-${enrollment.id}`),
    identifier: [
      { system: "urn:trialshare:subject-commitment", value: enrollment.subjectCommitment },
      ...txIdentifier(enrollment.anchorTxHash),
    ],
    status: enrollment.status === "ACTIVE" ? "on-study" : "withdrawn",
    period: {
      start: iso(enrollment.createdAt),
      ...(enrollment.withdrawnAt ? { end: iso(enrollment.withdrawnAt) } : {}),
    },
    study: {
      identifier: { system: SYSTEM.registry, value: enrollment.trial.registryId },
      display: enrollment.trial.title,
    },
    individual: patientRef,
  }));
  const consents: Consent[] = data.listings.flatMap((listing) =>
    listing.consent
      ? [
          {
            resourceType: "Consent",
            id: fhirId(`consent-${listing.id}`),
            identifier: txIdentifier(listing.anchorTxHash),
            status:
              listing.consent.revokedAt || listing.consent.suspendedAt ? "inactive" : "active",
            scope: {
              coding: [
                {
                  system: "http://terminology.hl7.org/CodeSystem/consentscope",
                  code: "research",
                },
              ],
            },
            category: [
              {
                coding: [
                  { system: "http://loinc.org", code: "59284-0", display: "Patient Consent" },
                ],
              },
            ],
            patient: patientRef,
            dateTime: iso(listing.createdAt),
            policy: [
              {
                uri: `urn:trialshare:listing:${listing.chainKey}:terms:${listing.consent.termsHash}`,
              },
            ],
            provision: {
              type: "permit",
              period: { start: iso(listing.createdAt), end: iso(listing.consent.expiresAt) },
              purpose: listing.consent.purposes.map((code) => ({ system: SYSTEM.purpose, code })),
            },
          },
        ]
      : [],
  );
  const documents: DocumentReference[] = data.listings.map((listing) => ({
    resourceType: "DocumentReference",
    id: fhirId(`listing-${listing.id}`),
    identifier: [
      { system: SYSTEM.listing, value: listing.chainKey },
      ...txIdentifier(listing.anchorTxHash),
    ],
    status: listing.erasedAt ? "entered-in-error" : "current",
    subject: patientRef,
    description: listing.erasedAt ? "Erased listing: its data was destroyed" : listing.title,
    content: [
      {
        attachment: {
          contentType: "text/csv",
          title: listing.erasedAt ? "erased" : listing.title,
          ...(listing.deidentifiedData === null
            ? {}
            : {
                data: Buffer.from(listing.deidentifiedData, "utf8").toString("base64"),
                hash: createHash("sha1").update(listing.deidentifiedData).digest("base64"),
              }),
        },
      },
    ],
  }));
  const auditEvent = (
    id: string,
    code: string,
    display: string,
    at: Date,
    txHash: string | null,
    what: string,
  ): AuditEvent => ({
    resourceType: "AuditEvent",
    id: fhirId(id),
    type: { system: SYSTEM.event, code, display },
    recorded: iso(at),
    agent: [{ who: patientRef, requestor: false }],
    source: { observer: { display: "TrialShare" } },
    entity: [
      {
        what: { identifier: { system: SYSTEM.listing, value: what } },
        ...(txHash ? { detail: [{ type: "transaction", valueString: txHash }] } : {}),
      },
    ],
  });
  const chainKeyOf = new Map(data.listings.map((listing) => [listing.id, listing.chainKey]));
  const events: AuditEvent[] = [
    ...data.requestsForMyListings.map((item) =>
      auditEvent(
        `request-${item.id}`,
        "request",
        `Access requested by ${item.request.researcher} for ${item.request.purpose ?? "research"}`,
        item.request.createdAt,
        item.request.anchorTxHash,
        chainKeyOf.get(item.listingId) ?? item.listingId,
      ),
    ),
    ...data.requestsForMyListings
      .filter((item) => item.decidedAt)
      .map((item) =>
        auditEvent(
          `decision-${item.id}`,
          "decision",
          `Decision: ${item.status.toLowerCase()}`,
          item.decidedAt!,
          item.decisionTxHash,
          chainKeyOf.get(item.listingId) ?? item.listingId,
        ),
      ),
    ...data.dataUses.map((use) =>
      auditEvent(
        `use-${use.id}`,
        "data-use",
        `Data delivered (extract root ${use.extractRoot})`,
        use.createdAt,
        use.anchorTxHash,
        chainKeyOf.get(use.listingId) ?? use.listingId,
      ),
    ),
  ];
  const payments: PaymentReconciliation[] = data.payments.map((payment) => ({
    resourceType: "PaymentReconciliation",
    id: fhirId(`payment-${payment.id}`),
    identifier: txIdentifier(payment.txHash),
    status: "active",
    created: iso(payment.createdAt),
    paymentDate: iso(payment.createdAt).slice(0, 10),
    paymentAmount: { value: Number(formatTokens(payment.amountWei ?? "0")), currency: "XXX" },
    disposition: `${payment.kind} of ${formatTokens(payment.amountWei ?? "0")} TSR`,
  }));
  const resources: FhirResource[] = [
    patient,
    ...subjects,
    ...consents,
    ...documents,
    ...events,
    ...payments,
  ];
  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: data.exportedAt,
    entry: resources.map((resource) => ({ resource })),
  };
}
