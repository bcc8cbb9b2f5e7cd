import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "~/server/api/root";
import type { Role } from "~/server/generated/prisma/enums";
import { DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { seedDemo } from "~/server/seed/seed-demo";
import { ZActionSchema } from "~/server/services/actions/registry";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { createHarness, type Harness } from "./harness";

/**
 * Every tRPC procedure and every signed action × every role, anonymous included, with the
 * outcome expected of each, plus the wrong owner of an entity. The lists are checked against
 * the router and the action registry, so a new procedure or action without an entry fails.
 * Then each procedure's input is fuzzed: no internal errors and nothing written on refusal.
 */
type Who = Role | "ANONYMOUS";
const ROLES: Role[] = ["PARTICIPANT", "RESEARCHER", "SPONSOR", "AUDITOR"];
type Fixture = {
  trialId: string;
  listingId: string;
  uploadId: string;
  requestId: string;
  itemId: string;
  invitationId: string;
};
type Entry = { allowed: readonly Role[] | "anyone"; input?: (f: Fixture) => unknown };

const signedIn = ROLES;
const PROCEDURES: Record<string, Entry> = {
  "system.ping": { allowed: "anyone" },
  "account.register": {
    allowed: "anyone",
    input: () => ({ email: "not-an-email", password: "x", displayName: "", role: "PARTICIPANT" }),
  },
  "account.me": { allowed: signedIn },
  "account.changePassword": {
    allowed: signedIn,
    input: () => ({ currentPassword: "not the password", newPassword: "a new long password" }),
  },
  // Auditors take no chain action; the sample action is one every other role may take.
  "actions.prepare": {
    allowed: ["PARTICIPANT", "RESEARCHER", "SPONSOR"],
    input: () => ({ action: { type: "earnings.withdraw" } }),
  },
  "actions.submit": {
    allowed: ["PARTICIPANT", "RESEARCHER", "SPONSOR"],
    input: () => ({
      action: { type: "earnings.withdraw" },
      request: {
        from: `0x${"1".repeat(40)}`,
        to: `0x${"2".repeat(40)}`,
        value: "0",
        gas: "1",
        nonce: "0",
        deadline: 1,
        data: "0x",
      },
    }),
  },
  "audit.run": { allowed: ["AUDITOR", "SPONSOR"], input: (f) => ({ trialId: f.trialId }) },
  "audit.timeline": { allowed: ["AUDITOR", "SPONSOR"], input: (f) => ({ trialId: f.trialId }) },
  "audit.analyses": { allowed: ["AUDITOR", "SPONSOR"], input: (f) => ({ trialId: f.trialId }) },
  "enrollments.trials": { allowed: ["PARTICIPANT"] },
  "enrollments.invitation": { allowed: ["PARTICIPANT"], input: () => ({ code: "not-a-code" }) },
  "extracts.create": { allowed: ["RESEARCHER"], input: (f) => ({ requestId: f.requestId, k: 2 }) },
  "analyses.run": { allowed: ["RESEARCHER"], input: (f) => ({ requestId: f.requestId, spec: {} }) },
  "analyses.get": { allowed: ["RESEARCHER"], input: () => ({ jobId: "not-a-job" }) },
  "analyses.list": { allowed: ["RESEARCHER"], input: (f) => ({ requestId: f.requestId }) },
  "analyses.catalogue": { allowed: ["RESEARCHER"], input: (f) => ({ requestId: f.requestId }) },
  "ledger.mine": { allowed: ["PARTICIPANT"] },
  "ledger.listingBudget": { allowed: ["PARTICIPANT"], input: (f) => ({ listingId: f.listingId }) },
  "listings.createDraft": { allowed: ["PARTICIPANT"], input: (f) => ({ uploadId: f.uploadId }) },
  "listings.mine": { allowed: ["PARTICIPANT"] },
  "listings.byId": { allowed: signedIn, input: (f) => ({ listingId: f.listingId }) },
  "listings.catalogue": { allowed: ["RESEARCHER", "SPONSOR", "AUDITOR"], input: () => ({}) },
  "listings.catalogueIds": { allowed: ["RESEARCHER"], input: () => ({ filter: {} }) },
  "listings.catalogueStatus": { allowed: ["RESEARCHER", "SPONSOR", "AUDITOR"] },
  "requests.createDraft": {
    allowed: ["RESEARCHER"],
    input: (f) => ({
      listingIds: [f.listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "short",
      accessDays: 30,
    }),
  },
  "requests.mine": { allowed: ["RESEARCHER"] },
  "requests.incoming": { allowed: ["PARTICIPANT"] },
  "trials.list": { allowed: "anyone" },
  "trials.auditable": { allowed: ["AUDITOR", "SPONSOR"] },
  "trials.mine": { allowed: ["SPONSOR"] },
  "trials.overview": { allowed: ["SPONSOR"], input: (f) => ({ trialId: f.trialId }) },
  "trials.invitations": { allowed: ["SPONSOR"], input: (f) => ({ trialId: f.trialId }) },
  "trials.prepareInvitations": {
    allowed: ["SPONSOR"],
    input: (f) => ({ trialId: f.trialId, count: 1, validDays: 1 }),
  },
  "trials.issueInvitations": {
    allowed: ["SPONSOR"],
    input: (f) => ({ trialId: f.trialId, label: "", drafts: [{ token: "not-a-draft" }] }),
  },
  "uploads.mine": { allowed: ["PARTICIPANT"] },
  "uploads.byId": { allowed: ["PARTICIPANT"], input: (f) => ({ uploadId: f.uploadId }) },
  "rights.describeErasure": {
    allowed: ["PARTICIPANT"],
    input: (f) => ({ listingId: f.listingId }),
  },
  // Refused by their input once the role is checked: the demo owner's data stays.
  "rights.eraseListing": {
    allowed: ["PARTICIPANT"],
    input: () => ({ listingId: "not-a-listing", confirm: true }),
  },
  "rights.eraseAccount": { allowed: ["PARTICIPANT"], input: () => ({ confirm: false }) },
  "notifications.mine": { allowed: signedIn, input: () => ({ limit: 10 }) },
  "notifications.unreadCount": { allowed: signedIn },
  "notifications.markRead": { allowed: signedIn, input: () => ({ ids: ["not-mine"] }) },
  "notifications.preferences": { allowed: signedIn },
  "notifications.updatePreferences": {
    allowed: signedIn,
    input: () => ({ emailEnabled: true, digest: "IMMEDIATE" }),
  },
  "notifications.unsubscribe": { allowed: "anyone", input: () => ({ token: "not-a-valid-token" }) },
};

/** Who may take each signed action (checked on prepare, before anything is read or written). */
const ACTIONS: Record<string, { allowed: readonly Role[]; action: (f: Fixture) => unknown }> = {
  "listing.publish": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "listing.publish", listingId: f.listingId }),
  },
  "analysis.fund": {
    allowed: ["RESEARCHER"],
    action: (f) => ({ type: "analysis.fund", requestId: f.requestId, count: 1 }),
  },
  "listing.revokeConsent": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "listing.revokeConsent", listingId: f.listingId }),
  },
  "listing.updatePrice": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "listing.updatePrice", listingId: f.listingId, price: "5" }),
  },
  "listing.unlist": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "listing.unlist", listingId: f.listingId }),
  },
  "listing.grantConsent": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "listing.grantConsent", listingId: f.listingId }),
  },
  "enrollment.enroll": {
    allowed: ["PARTICIPANT"],
    action: () => ({ type: "enrollment.enroll", code: "not-a-code" }),
  },
  "enrollment.reconsent": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "enrollment.reconsent", trialId: f.trialId }),
  },
  "enrollment.withdraw": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "enrollment.withdraw", trialId: f.trialId }),
  },
  "item.decide": {
    allowed: ["PARTICIPANT"],
    action: (f) => ({ type: "item.decide", itemId: f.itemId, approve: true }),
  },
  "request.create": {
    allowed: ["RESEARCHER"],
    action: (f) => ({ type: "request.create", requestId: f.requestId }),
  },
  "output.register": {
    allowed: ["RESEARCHER"],
    action: (f) => ({
      type: "output.register",
      requestId: f.requestId,
      kind: "SUMMARY",
      title: "A matrix summary",
      summary: "What the study found, in plain words.",
    }),
  },
  "earnings.withdraw": {
    allowed: ["PARTICIPANT", "RESEARCHER", "SPONSOR"],
    action: () => ({ type: "earnings.withdraw" }),
  },
  "rewards.withdraw": { allowed: ["PARTICIPANT"], action: () => ({ type: "rewards.withdraw" }) },
  "trial.register": {
    allowed: ["SPONSOR"],
    action: () => ({
      type: "trial.register",
      registryId: "NCT00000000",
      title: "A matrix trial",
      phase: "Phase 1",
      conditions: ["x"],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: `0x${"ab".repeat(32)}`,
    }),
  },
  "trial.amend": {
    allowed: ["SPONSOR"],
    action: (f) => ({
      type: "trial.amend",
      trialId: f.trialId,
      protocolDocumentName: "p2.pdf",
      protocolHash: `0x${"cd".repeat(32)}`,
    }),
  },
  "trial.fundRewards": {
    allowed: ["SPONSOR"],
    action: (f) => ({
      type: "trial.fundRewards",
      trialId: f.trialId,
      amount: "1",
      perEnrollment: "1",
    }),
  },
  "trial.reclaimRewards": {
    allowed: ["SPONSOR"],
    action: (f) => ({ type: "trial.reclaimRewards", trialId: f.trialId, amount: "1" }),
  },
  "trial.revokeInvitation": {
    allowed: ["SPONSOR"],
    action: (f) => ({ type: "trial.revokeInvitation", invitationId: f.invitationId }),
  },
};

/** Another user's entity, as its owner's peer: refused as if it did not exist (or forbidden). */
const WRONG_OWNER: { name: string; as: Role; call: (api: Api, f: Fixture) => Promise<unknown> }[] =
  [
    {
      name: "uploads.byId",
      as: "PARTICIPANT",
      call: (api, f) => api.uploads.byId({ uploadId: f.uploadId }),
    },
    {
      name: "listings.createDraft",
      as: "PARTICIPANT",
      call: (api, f) =>
        api.listings.createDraft({
          uploadId: f.uploadId,
          dropColumns: [],
          title: "Not mine at all",
          description: "",
          conditions: [],
          price: "1",
          purposes: ["ACADEMIC_RESEARCH"],
          consentExpiresAt: new Date(Date.now() + 864e5),
          autoApprove: true,
        }),
    },
    {
      name: "rights.eraseListing",
      as: "PARTICIPANT",
      call: (api, f) => api.rights.eraseListing({ listingId: f.listingId, confirm: true }),
    },
    {
      name: "rights.describeErasure",
      as: "PARTICIPANT",
      call: (api, f) => api.rights.describeErasure({ listingId: f.listingId }),
    },
    {
      name: "extracts.create",
      as: "RESEARCHER",
      call: (api, f) => api.extracts.create({ requestId: f.requestId, k: 2 }),
    },
    {
      name: "analyses.run",
      as: "RESEARCHER",
      call: (api, f) =>
        api.analyses.run({
          requestId: f.requestId,
          spec: { version: 1, epsilonCentis: 50, query: { kind: "count", by: [] } },
        }),
    },
    {
      name: "analyses.list",
      as: "RESEARCHER",
      call: (api, f) => api.analyses.list({ requestId: f.requestId }),
    },
    {
      name: "analyses.catalogue",
      as: "RESEARCHER",
      call: (api, f) => api.analyses.catalogue({ requestId: f.requestId }),
    },
    {
      name: "trials.overview",
      as: "SPONSOR",
      call: (api, f) => api.trials.overview({ trialId: f.trialId }),
    },
    { name: "audit.run", as: "SPONSOR", call: (api, f) => api.audit.run({ trialId: f.trialId }) },
    {
      name: "audit.timeline",
      as: "SPONSOR",
      call: (api, f) => api.audit.timeline({ trialId: f.trialId }),
    },
    {
      name: "audit.analyses",
      as: "SPONSOR",
      call: (api, f) => api.audit.analyses({ trialId: f.trialId }),
    },
    {
      name: "ledger.listingBudget",
      as: "PARTICIPANT",
      call: (api, f) => api.ledger.listingBudget({ listingId: f.listingId }),
    },
    {
      name: "trials.invitations",
      as: "SPONSOR",
      call: (api, f) => api.trials.invitations({ trialId: f.trialId }),
    },
    {
      name: "trials.prepareInvitations",
      as: "SPONSOR",
      call: (api, f) =>
        api.trials.prepareInvitations({ trialId: f.trialId, count: 1, validDays: 1 }),
    },
    ...(
      [
        "listing.unlist",
        "listing.updatePrice",
        "listing.revokeConsent",
        "listing.grantConsent",
        "item.decide",
      ] as const
    ).map((type) => ({
      name: `actions.prepare ${type}`,
      as: "PARTICIPANT" as const,
      call: (api: Api, f: Fixture) =>
        api.actions.prepare({ action: ACTIONS[type]!.action(f) as never }),
    })),
    {
      name: "actions.prepare request.create",
      as: "RESEARCHER",
      call: (api, f) =>
        api.actions.prepare({ action: ACTIONS["request.create"]!.action(f) as never }),
    },
    {
      name: "actions.prepare analysis.fund",
      as: "RESEARCHER",
      call: (api, f) =>
        api.actions.prepare({ action: ACTIONS["analysis.fund"]!.action(f) as never }),
    },
    {
      name: "actions.prepare output.register",
      as: "RESEARCHER",
      call: (api, f) =>
        api.actions.prepare({ action: ACTIONS["output.register"]!.action(f) as never }),
    },
    ...(
      [
        "trial.amend",
        "trial.fundRewards",
        "trial.reclaimRewards",
        "trial.revokeInvitation",
      ] as const
    ).map((type) => ({
      name: `actions.prepare ${type}`,
      as: "SPONSOR" as const,
      call: (api: Api, f: Fixture) =>
        api.actions.prepare({ action: ACTIONS[type]!.action(f) as never }),
    })),
  ];

type Api = ReturnType<Harness["callerFor"]>;
let harness: Harness;
let deploymentsDir: string;
let fixture: Fixture;
/** The demo account of each role: owner of the fixture's trial, listing, upload or request. */
const owners = new Map<Who, SessionUser | null>();
/** A second account of each role that owns nothing. */
const strangers = new Map<Who, SessionUser | null>();

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error.code;
  }
}

/** Calls a procedure by its dotted path, as the HTTP handler would. */
function call(api: Api, procedure: string, input: unknown): Promise<unknown> {
  const [router, name] = procedure.split(".") as [string, string];
  const fn = (
    api as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>
  )[router]![name]!;
  return fn(input);
}

const TABLES = [
  "User",
  "Upload",
  "Trial",
  "ProtocolVersion",
  "Enrollment",
  "Listing",
  "ConsentTerms",
  "AccessRequest",
  "AccessRequestItem",
  "ResearchPlan",
  "Extract",
  "DataUse",
  "ChainOutbox",
  "TrialInvitation",
  "DerivedAccount",
  "DataErasure",
  "NotificationPreference",
];
async function rowCounts(): Promise<string> {
  const rows = await harness.db.$queryRawUnsafe<Record<string, bigint>[]>(
    `SELECT ${TABLES.map((table) => `(SELECT count(*) FROM "${table}") AS "${table}"`).join(", ")}`,
  );
  return JSON.stringify(rows[0], (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}

beforeAll(async () => {
  deploymentsDir = await mkdtemp(path.join(tmpdir(), "matrix-test-"));
  harness = await createHarness({ deploymentsDir });
  const { db, chain } = harness;
  await seedDemo({ db, chain });
  const trial = await db.trial.findUniqueOrThrow({ where: { registryId: DEMO_TRIAL_REGISTRY_ID } });
  const item = await db.accessRequestItem.findFirstOrThrow({
    where: { status: "PENDING" },
    select: { id: true, requestId: true, listingId: true },
  });
  const listing = await db.listing.findUniqueOrThrow({
    where: { id: item.listingId },
    select: { uploadId: true },
  });
  const invitation = await db.trialInvitation.findFirstOrThrow({ where: { trialId: trial.id } });
  fixture = {
    trialId: trial.id,
    listingId: item.listingId,
    uploadId: listing.uploadId!,
    requestId: item.requestId,
    itemId: item.id,
    invitationId: invitation.id,
  };
  strangers.set("ANONYMOUS", null);
  owners.set("ANONYMOUS", null);
  for (const role of ROLES) {
    owners.set(
      role,
      await db.user.findFirstOrThrow({
        where: { role, email: { not: null } },
        orderBy: { createdAt: "asc" },
        select: { id: true, role: true, walletAddress: true, displayName: true },
      }),
    );
    strangers.set(
      role,
      await db.user.create({
        data: { role, displayName: `Stranger ${role}`, ...createManagedWallet() },
        select: { id: true, role: true, walletAddress: true, displayName: true },
      }),
    );
  }
});

afterAll(async () => {
  await harness.close();
  await rm(deploymentsDir, { recursive: true, force: true });
});

describe("authorization matrix", () => {
  it("has an entry for every procedure and every signed action", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(PROCEDURES).sort());
    const actionTypes = ZActionSchema.options.map((option) => option.shape.type.value);
    expect([...actionTypes].sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  it("lets each role call exactly the procedures meant for it", async () => {
    const mismatches: string[] = [];
    for (const [procedure, entry] of Object.entries(PROCEDURES)) {
      for (const who of ["ANONYMOUS", ...ROLES] as Who[]) {
        const user = owners.get(who)!;
        const result = await outcome(
          call(harness.callerFor(user), procedure, entry.input?.(fixture)),
        );
        const isAllowed =
          entry.allowed === "anyone" || (who !== "ANONYMOUS" && entry.allowed.includes(who));
        const expected = isAllowed
          ? "not refused"
          : who === "ANONYMOUS"
            ? "UNAUTHORIZED"
            : "FORBIDDEN";
        const isRefused = result === "UNAUTHORIZED" || result === "FORBIDDEN";
        if (isAllowed ? isRefused : result !== expected)
          mismatches.push(`${procedure} as ${who}: ${result}, expected ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("lets each role prepare exactly the actions meant for it", async () => {
    const mismatches: string[] = [];
    for (const [type, entry] of Object.entries(ACTIONS)) {
      for (const role of ROLES) {
        const api = harness.callerFor(strangers.get(role)!);
        const result = await outcome(
          api.actions.prepare({ action: entry.action(fixture) as never }),
        );
        const isAllowed = entry.allowed.includes(role);
        if (isAllowed ? result === "FORBIDDEN" : result !== "FORBIDDEN")
          mismatches.push(`${type} as ${role}: ${result}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("refuses another user's entities to the wrong owner, writing nothing", async () => {
    const before = await rowCounts();
    for (const attempt of WRONG_OWNER) {
      const result = await outcome(
        attempt.call(harness.callerFor(strangers.get(attempt.as)!), fixture),
      );
      expect([
        attempt.name,
        ["NOT_FOUND", "FORBIDDEN"].includes(result) ? "refused" : result,
      ]).toEqual([attempt.name, "refused"]);
    }
    expect(await rowCounts()).toBe(before);
  });
});

describe("input fuzzing", () => {
  /** Valid-looking inputs with fields replaced by anything, and anything at all. */
  const inputFor = (sample: unknown) => {
    const keys = Object.keys((sample as object | undefined) ?? {});
    if (keys.length === 0) return fc.anything();
    return fc.oneof(
      fc.anything(),
      fc
        .dictionary(fc.constantFrom(...keys), fc.anything())
        .map((patch) => ({ ...(sample as object), ...patch })),
    );
  };

  it("answers every procedure's malformed input with a clear error and no partial write", async () => {
    const problems: string[] = [];
    for (const [procedure, entry] of Object.entries(PROCEDURES)) {
      if (!entry.input) continue;
      const role = entry.allowed === "anyone" ? "PARTICIPANT" : entry.allowed[0]!;
      const api = harness.callerFor(strangers.get(role)!);
      await fc.assert(
        fc.asyncProperty(inputFor(entry.input(fixture)), async (input) => {
          const before = await rowCounts();
          try {
            await call(api, procedure, input);
          } catch (error) {
            const isClear =
              error instanceof TRPCError &&
              error.code !== "INTERNAL_SERVER_ERROR" &&
              error.message.length > 0;
            if (!isClear) problems.push(`${procedure} ${JSON.stringify(input)}: ${String(error)}`);
            const after = await rowCounts();
            if (after !== before)
              problems.push(`${procedure} ${JSON.stringify(input)} wrote ${before} -> ${after}`);
          }
        }),
        { numRuns: 100, seed: 20261121 },
      );
    }
    expect(problems).toEqual([]);
  });
});
