import { keccak256, parseUnits, toUtf8Bytes, type BaseWallet } from "ethers";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTrialExport } from "~/server/services/audit/trial-exports";
import type { SessionUser } from "~/server/session";
import { fhirSchemaErrors } from "../fhir-schema";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

let harness: Harness;
let sponsor: { user: SessionUser; wallet: BaseWallet };
let trialId: string;
const registryId = `NCT${String(Date.now()).slice(-8)}`;
const protocolHash = (text: string) => keccak256(toUtf8Bytes(text));

beforeAll(async () => {
  harness = await createHarness();
  sponsor = await harness.createWalletUser("SPONSOR");
  await harness.mintTokens(sponsor.user.walletAddress, parseUnits("500", 18));
});

afterAll(async () => {
  await harness.close();
});

describe("sponsor journey", () => {
  it("registers a trial from a wallet; refuses duplicates and bad input without writing", async () => {
    const action = {
      type: "trial.register" as const,
      registryId,
      title: "Inhaled therapy in adults with moderate asthma",
      phase: "Phase 2" as const,
      conditions: ["Asthma"],
      sites: ["Leeds", "Bristol"],
      protocolDocumentName: "protocol-v1.pdf",
      protocolHash: protocolHash("asthma protocol v1"),
    };
    trialId = (await harness.act(sponsor.user, action, sponsor.wallet)).entityId;
    await harness.settle();
    const mine = await harness.callerFor(sponsor.user).trials.mine();
    expect(mine).toMatchObject([{ id: trialId, registryId, anchorStatus: "CONFIRMED" }]);

    await expectCode(harness.act(sponsor.user, action, sponsor.wallet), "CONFLICT", /already/);
    await expectCode(
      harness.act(sponsor.user, {
        ...action,
        registryId: "NCT-OTHER-1",
        phase: "Phase 9" as never,
      }),
      "BAD_REQUEST",
      /phase/,
    );
    const researcher = await harness.createUser("RESEARCHER");
    await expectCode(
      harness.act(researcher, { ...action, registryId: "NCT-OTHER-2" }),
      "FORBIDDEN",
    );
    expect(
      await harness.db.trial.count({ where: { registryId: { startsWith: "NCT-OTHER" } } }),
    ).toBe(0);
  });

  it("funds rewards with a permit, amends the protocol and sees enrolment and usage", async () => {
    const { db } = harness;
    await harness.act(
      sponsor.user,
      { type: "trial.fundRewards", trialId, amount: "100", perEnrollment: "10" },
      sponsor.wallet,
    );
    await harness.settle();
    const participants = [
      await harness.createUser("PARTICIPANT"),
      await harness.createUser("PARTICIPANT"),
    ];
    for (const participant of participants)
      await harness.enroll(participant, trialId, { sponsorWallet: sponsor.wallet });
    const upload = await harness.upload(participants[0]!, SMALL_CSV);
    const { id: listingId } = await harness
      .callerFor(participants[0]!)
      .listings.createDraft(
        listingInput(upload.id, { trialId, purposes: ["ACADEMIC_RESEARCH", "PUBLIC_HEALTH"] }),
      );
    await harness.act(participants[0]!, { type: "listing.publish", listingId });
    await harness.act(participants[1]!, { type: "enrollment.withdraw", trialId });
    await harness.act(
      sponsor.user,
      {
        type: "trial.amend",
        trialId,
        protocolDocumentName: "protocol-v2.pdf",
        protocolHash: protocolHash("v2"),
      },
      sponsor.wallet,
    );
    await expectCode(
      harness.act(
        sponsor.user,
        {
          type: "trial.amend",
          trialId,
          protocolDocumentName: "v3.pdf",
          protocolHash: protocolHash("v3"),
        },
        sponsor.wallet,
      ),
      "CONFLICT",
      /still being recorded/,
    );
    await harness.settle();
    await harness.act(participants[0]!, { type: "enrollment.reconsent", trialId });
    await harness.settle();

    const overview = await harness.callerFor(sponsor.user).trials.overview({ trialId });
    expect(overview.trial.currentVersion).toBe(2);
    expect(overview.versions.map((v) => [v.version, v.documentName, v.activeEnrollments])).toEqual([
      [1, "protocol-v1.pdf", 0],
      [2, "protocol-v2.pdf", 1],
    ]);
    expect(overview.rewards).toMatchObject({
      funded: "100.0",
      credited: "20.0",
      pool: "80.0",
      perEnrollment: "10.0",
    });
    expect(overview.enrollment.withdrawals).toHaveLength(1);
    expect(overview.enrollment.series.at(-1)?.active).toBe(1);
    expect(overview.listings).toMatchObject([{ id: listingId, requested: 0, revenue: "0.0" }]);
    expect(await db.chainOutbox.count({ where: { status: "FAILED" } })).toBe(0);

    const other = await harness.createWalletUser("SPONSOR");
    await expectCode(harness.callerFor(other.user).trials.overview({ trialId }), "NOT_FOUND");
    await expectCode(
      harness.act(
        other.user,
        { type: "trial.fundRewards", trialId, amount: "1", perEnrollment: "1" },
        other.wallet,
      ),
      "NOT_FOUND",
    );
    await expectCode(harness.callerFor(participants[0]!).trials.overview({ trialId }), "FORBIDDEN");
  });

  it("shows the trial's timeline, filterable by category, to its sponsor and to auditors", async () => {
    const api = harness.callerFor(sponsor.user);
    const timeline = await api.audit.timeline({ trialId });
    expect(timeline.map((entry) => entry.event)).toEqual(
      expect.arrayContaining([
        "TrialRegistered",
        "RewardsFunded",
        "Enrolled",
        "RewardCredited",
        "ListingCreated",
        "ConsentGranted",
        "EnrollmentWithdrawn",
        "ProtocolAmended",
        "Reconsented",
      ]),
    );
    expect(timeline.every((entry) => /^0x[0-9a-f]{64}$/.test(entry.txHash))).toBe(true);
    const registration = await api.audit.timeline({ trialId, categories: ["registration"] });
    expect(registration.map((entry) => entry.event)).toEqual([
      "TrialRegistered",
      "ProtocolAmended",
    ]);
    const participant = await harness.createUser("PARTICIPANT");
    await expectCode(harness.callerFor(participant).audit.timeline({ trialId }), "FORBIDDEN");
  });

  it("exports a FHIR R4 Bundle that validates against the official schema, and SDTM DS", async () => {
    const { db, chain } = harness;
    const exportOf = async (
      file: "fhir-bundle.json" | "sdtm-ds.csv" | "timeline.csv" | "report.pdf",
    ) =>
      (await getTrialExport({ db, chain, trial: registryId, file, requestedBy: sponsor.user }))
        .body;

    type Resource = {
      resourceType: string;
      status?: string;
      individual?: unknown;
      patient?: unknown;
      provision?: { purpose: { code: string }[] };
    };
    const bundle = JSON.parse((await exportOf("fhir-bundle.json")).toString("utf8")) as {
      entry: { resource: Resource }[];
    };
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    const resources = bundle.entry.map((entry) => entry.resource);
    expect(resources.map((resource) => resource.resourceType)).toEqual([
      "ResearchStudy",
      "ResearchSubject",
      "Consent",
      "ResearchSubject",
      "Consent",
      "Consent",
    ]);
    const subjects = resources.filter((resource) => resource.resourceType === "ResearchSubject");
    expect(subjects.map((subject) => subject.status)).toEqual(["on-study", "withdrawn"]);
    const listingConsent = resources.at(-1)!;
    expect(listingConsent.provision!.purpose.map((coding) => coding.code)).toEqual([
      "ACADEMIC_RESEARCH",
      "HRESCH",
      "PUBLIC_HEALTH",
      "PUBHLTH",
    ]);
    expect(listingConsent.patient).toEqual(subjects[0]!.individual);
    // Nothing that identifies a person or their wallet goes into the export.
    const text = JSON.stringify(bundle).toLowerCase();
    const wallets = await db.user.findMany({
      where: { role: "PARTICIPANT" },
      select: { walletAddress: true },
    });
    for (const { walletAddress } of wallets) expect(text).not.toContain(walletAddress.slice(2));
    // The schema really constrains: a wrong status is refused.
    expect(fhirSchemaErrors({ ...subjects[0], status: "enrolled" }).length).toBeGreaterThan(0);

    const ds = Papa.parse<Record<string, string>>(
      (await exportOf("sdtm-ds.csv")).toString("utf8"),
      { header: true },
    );
    expect(ds.data.map((row) => [row.DOMAIN, row.DSSEQ, row.DSDECOD, row.DSCAT])).toEqual([
      ["DS", "1", "INFORMED CONSENT OBTAINED", "PROTOCOL MILESTONE"],
      ["DS", "2", "INFORMED CONSENT OBTAINED", "PROTOCOL MILESTONE"],
      ["DS", "1", "INFORMED CONSENT OBTAINED", "PROTOCOL MILESTONE"],
      ["DS", "2", "WITHDRAWAL BY SUBJECT", "DISPOSITION EVENT"],
    ]);
    expect(
      ds.data.every(
        (row) => row.STUDYID === registryId && row.USUBJID?.startsWith(`${registryId}-S-`),
      ),
    ).toBe(true);
    expect(ds.data[1]!.DSTERM).toBe("INFORMED CONSENT OBTAINED FOR PROTOCOL VERSION 2");

    const csv = Papa.parse((await exportOf("timeline.csv")).toString("utf8"), { header: true });
    expect(csv.data).toHaveLength(
      (await harness.callerFor(sponsor.user).audit.timeline({ trialId })).length,
    );
    const pdf = await exportOf("report.pdf");
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(2_000);
  });
});
