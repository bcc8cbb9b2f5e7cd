import "server-only";
/** Where each table of the database appears in the export (export-my-data.ts). */
export const EXPORT_COVERAGE = {
  User: "account",
  DerivedAccount: "chainAccounts",
  Enrollment: "enrollments",
  Upload: "uploads",
  Listing: "listings",
  ConsentTerms: "listings[].consent",
  AccessRequestItem: "requestsForMyListings",
  DataUse: "dataUses",
  Payout: "payments",
  AccessRequest: "myRequests",
  ResearchPlan: "myResearchPlans",
  Extract: "myRequests[].extracts",
  ResearchOutput: "myRequests[].outputs",
  AnalysisJob: "myRequests[].analyses",
  AnalysisListing: "listings[].analyses",
  PrivacyBudget: "listings[].budget",
  Trial: "sponsoredTrials",
  ProtocolVersion: "sponsoredTrials[].protocolVersions",
  TrialInvitation: "sponsoredTrials[].invitations",
  AuditLog: "auditLog",
  DataErasure: "erasures",
  ChainEvent: "chainFacts",
  Notification: "notifications",
  NotificationPreference: "notificationPreferences",
  EmailOutbox: "emails",
} as const;

export const NOT_EXPORTED = {
  ChainOutbox:
    "chain writes waiting to be sent; once sent they are on chain and appear in chainFacts",
  IndexerCheckpoint: "how far the indexer has read the chain; no user data",
  WorkerLease: "which app process runs a worker; no user data",
  RateLimit: "counters under hashed keys that cannot be traced back to a user",
  SignInBackoff: "sign-in backoff under hashed keys that cannot be traced back to a user",
  UsedSiweNonce: "sign-in nonces already used; not linked to any account",
  CatalogueRemoval: "ids of deleted listings for the search index; no user data",
  UsedUnsubscribeToken: "nonces of unsubscribe links already used; not linked to any account",
} as const;

/**
 * Which tables of the data model the export does not account for. A table holds a user's data
 * when it relates to User or carries a user's id (`USER_KEY_FIELDS`); such a table must be
 * exported. Every other table must at least be listed, with the reason, in `NOT_EXPORTED`, so a
 * new table is a decision someone makes, never an omission.
 */
export const USER_KEY_FIELDS = [
  "userId",
  "ownerId",
  "participantId",
  "researcherId",
  "sponsorId",
  "actorId",
];

export type DataModel = Record<string, { fields: { name: string; kind: string; type: string }[] }>;

export function findUncoveredModels(models: DataModel): { model: string; problem: string }[] {
  const exported = new Set<string>(Object.keys(EXPORT_COVERAGE));
  const excused = new Set<string>(Object.keys(NOT_EXPORTED));
  const problems: { model: string; problem: string }[] = [];
  for (const [name, model] of Object.entries(models)) {
    const holdsUserData = model.fields.some(
      (field) =>
        (field.kind === "object" && field.type === "User") ||
        (field.kind === "scalar" && USER_KEY_FIELDS.includes(field.name)),
    );
    if (holdsUserData && !exported.has(name))
      problems.push({ model: name, problem: "holds a user's data but is not in the export" });
    else if (!exported.has(name) && !excused.has(name))
      problems.push({ model: name, problem: "neither exported nor listed in NOT_EXPORTED" });
  }
  for (const name of [...exported, ...excused])
    if (!(name in models))
      problems.push({ model: name, problem: "named by the export but not in the data model" });
  return problems;
}
