import "server-only";
import Papa from "papaparse";
import { FORMULA_CELL } from "~/shared/csv-safety";
import { fromPurposeMask, PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { FHIR_PHASE_CODE, type TrialPhase } from "~/shared/trial-phases";
import type { TimelineEntry } from "./timeline";

/**
 * The trial in the standards regulators read: a FHIR R4 Bundle (ResearchStudy, one
 * ResearchSubject per enrolment, one Consent per enrolment and per listing) and the CDISC SDTM
 * DS (disposition) domain. Subjects appear only by pseudonym: a prefix of their on-chain
 * commitment, which cannot be traced back to a person without the sealed salt.
 */
export type ExportTrial = {
  id: string;
  registryId: string;
  title: string;
  phase: string;
  conditions: string[];
  sites: string[];
  sponsorName: string;
  protocolVersions: { version: number; documentName: string; documentHash: string }[];
  listings: { id: string; chainKey: string; title: string }[];
};

const SYSTEM = {
  pseudonym: "urn:trialshare:subject-pseudonym",
  registry: "urn:trialshare:trial-registry-id",
  purpose: "urn:trialshare:consent-purpose",
  actReason: "http://terminology.hl7.org/CodeSystem/v3-ActReason",
};

/** Standard purpose-of-use codes where one fits; our own code is always given as well. */
const ACT_REASON: Partial<Record<PurposeKey, { code: string; display: string }>> = {
  ACADEMIC_RESEARCH: { code: "HRESCH", display: "healthcare research" },
  COMMERCIAL_RESEARCH: { code: "BIORCH", display: "biomedical research" },
  DRUG_DEVELOPMENT: { code: "CLINTRCH", display: "clinical trial research" },
  PUBLIC_HEALTH: { code: "PUBHLTH", display: "public health" },
};

export const pseudonymOf = (commitment: string) => `S-${commitment.slice(2, 14).toUpperCase()}`;

type Subject = {
  pseudonym: string;
  participant: string;
  enrolledAt: Date;
  version: number;
  withdrawnAt: Date | null;
  events: { entry: TimelineEntry; term: string; decod: string; cat: string }[];
};

/** Enrolments in chain order; a participant who withdraws and enrols again is a new subject. */
export function subjectsOf(timeline: TimelineEntry[]): Subject[] {
  const subjects: Subject[] = [];
  const current = new Map<string, Subject>();
  for (const entry of timeline) {
    const { participant: address } = entry.args;
    const participant = typeof address === "string" ? address.toLowerCase() : "";
    if (entry.event === "Enrolled") {
      const subject: Subject = {
        pseudonym: pseudonymOf(String(entry.args.subjectCommitment)),
        participant,
        enrolledAt: entry.time,
        version: Number(entry.args.protocolVersion),
        withdrawnAt: null,
        events: [
          {
            entry,
            term: "INFORMED CONSENT OBTAINED",
            decod: "INFORMED CONSENT OBTAINED",
            cat: "PROTOCOL MILESTONE",
          },
        ],
      };
      subjects.push(subject);
      current.set(participant, subject);
    }
    const subject = current.get(participant);
    if (!subject) continue;
    if (entry.event === "Reconsented") {
      subject.version = Number(entry.args.protocolVersion);
      subject.events.push({
        entry,
        term: `INFORMED CONSENT OBTAINED FOR PROTOCOL VERSION ${subject.version}`,
        decod: "INFORMED CONSENT OBTAINED",
        cat: "PROTOCOL MILESTONE",
      });
    } else if (entry.event === "EnrollmentWithdrawn") {
      subject.withdrawnAt = entry.time;
      subject.events.push({
        entry,
        term: "WITHDRAWAL BY SUBJECT",
        decod: "WITHDRAWAL BY SUBJECT",
        cat: "DISPOSITION EVENT",
      });
      current.delete(participant);
    }
  }
  return subjects;
}

function purposeCodings(mask: number) {
  return fromPurposeMask(mask).flatMap((key) => {
    const label = PURPOSES.find((purpose) => purpose.key === key)!.label;
    const standard = ACT_REASON[key];
    return [
      { system: SYSTEM.purpose, code: key, display: label },
      ...(standard ? [{ system: SYSTEM.actReason, ...standard }] : []),
    ];
  });
}

const subjectReference = (pseudonym: string) => ({
  identifier: { system: SYSTEM.pseudonym, value: pseudonym },
});
const fhirId = (value: string) => value.replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64);
const RESEARCH_SCOPE = {
  coding: [{ system: "http://terminology.hl7.org/CodeSystem/consentscope", code: "research" }],
};
const CONSENT_CATEGORY = [
  { coding: [{ system: "http://loinc.org", code: "59284-0", display: "Patient Consent" }] },
];

export function trialFhirBundle(trial: ExportTrial, timeline: TimelineEntry[], now = new Date()) {
  const studyId = fhirId(trial.id);
  const subjects = subjectsOf(timeline);
  const study = {
    resourceType: "ResearchStudy",
    id: studyId,
    identifier: [{ system: SYSTEM.registry, value: trial.registryId }],
    title: trial.title,
    status: "active",
    phase: {
      coding: [
        {
          system: "http://terminology.hl7.org/CodeSystem/research-study-phase",
          code: FHIR_PHASE_CODE[trial.phase as TrialPhase] ?? "n-a",
        },
      ],
      text: trial.phase,
    },
    condition: trial.conditions.map((text) => ({ text })),
    sponsor: { display: trial.sponsorName },
    site: trial.sites.map((display) => ({ display })),
    relatedArtifact: trial.protocolVersions.map((version) => ({
      type: "documentation",
      label: `Protocol v${version.version}`,
      display: version.documentName,
      citation: `keccak256 ${version.documentHash}, anchored in the TrialShare trial registry`,
    })),
  };
  const subjectResources = subjects.flatMap((subject) => {
    const subjectId = fhirId(`subject-${subject.pseudonym}-${subject.enrolledAt.getTime()}`);
    const consentId = fhirId(`consent-${subject.pseudonym}-${subject.enrolledAt.getTime()}`);
    return [
      {
        resourceType: "ResearchSubject",
        id: subjectId,
        identifier: [{ system: SYSTEM.pseudonym, value: subject.pseudonym }],
        status: subject.withdrawnAt ? "withdrawn" : "on-study",
        period: {
          start: subject.enrolledAt.toISOString(),
          ...(subject.withdrawnAt ? { end: subject.withdrawnAt.toISOString() } : {}),
        },
        study: { reference: `ResearchStudy/${studyId}` },
        individual: subjectReference(subject.pseudonym),
        consent: { reference: `Consent/${consentId}` },
      },
      {
        resourceType: "Consent",
        id: consentId,
        status: subject.withdrawnAt ? "inactive" : "active",
        scope: RESEARCH_SCOPE,
        category: CONSENT_CATEGORY,
        patient: subjectReference(subject.pseudonym),
        dateTime: subject.enrolledAt.toISOString(),
        policy: [{ uri: `urn:trialshare:trial:${trial.registryId}:protocol:v${subject.version}` }],
        provision: {
          type: "permit",
          purpose: [
            { system: SYSTEM.actReason, code: "CLINTRCH", display: "clinical trial research" },
          ],
        },
      },
    ];
  });
  const listingConsents = trial.listings.flatMap((listing) => {
    const key = listing.chainKey.toLowerCase();
    const events = timeline.filter((entry) => String(entry.args.listingId).toLowerCase() === key);
    const granted = events.filter((entry) => entry.event === "ConsentGranted").at(-1);
    if (!granted) return [];
    const revoked = events.some(
      (entry) =>
        (entry.event === "ConsentRevoked" || entry.event === "ConsentSuspended") &&
        (entry.blockNumber > granted.blockNumber ||
          (entry.blockNumber === granted.blockNumber && entry.logIndex > granted.logIndex)),
    );
    const expiresAt = new Date(Number(granted.args.expiresAt) * 1000);
    const owner = String(granted.args.owner).toLowerCase();
    const subject = subjects.findLast((candidate) => candidate.participant === owner);
    return [
      {
        resourceType: "Consent",
        id: fhirId(`consent-listing-${listing.id}`),
        status: revoked || expiresAt < now ? "inactive" : "active",
        scope: RESEARCH_SCOPE,
        category: CONSENT_CATEGORY,
        ...(subject ? { patient: subjectReference(subject.pseudonym) } : {}),
        dateTime: granted.time.toISOString(),
        policy: [
          {
            uri: `urn:trialshare:listing:${listing.chainKey}:terms:${String(granted.args.termsHash)}`,
          },
        ],
        provision: {
          type: "permit",
          period: { start: granted.time.toISOString(), end: expiresAt.toISOString() },
          purpose: purposeCodings(Number(granted.args.purposes)),
        },
      },
    ];
  });
  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: now.toISOString(),
    entry: [study, ...subjectResources, ...listingConsents].map((resource) => ({ resource })),
  };
}

/** SDTM DS: one row per disposition event, numbered per subject. */
export function trialSdtmDs(trial: Pick<ExportTrial, "registryId">, timeline: TimelineEntry[]) {
  const rows = subjectsOf(timeline).flatMap((subject) =>
    subject.events.map((event, index) => ({
      STUDYID: trial.registryId,
      DOMAIN: "DS",
      USUBJID: `${trial.registryId}-${subject.pseudonym}`,
      DSSEQ: index + 1,
      DSTERM: event.term,
      DSDECOD: event.decod,
      DSCAT: event.cat,
      DSSTDTC: event.entry.time.toISOString().slice(0, 19),
    })),
  );
  return Papa.unparse(
    {
      fields: ["STUDYID", "DOMAIN", "USUBJID", "DSSEQ", "DSTERM", "DSDECOD", "DSCAT", "DSSTDTC"],
      data: rows.map((row) => Object.values(row)),
    },
    { escapeFormulae: FORMULA_CELL },
  );
}
