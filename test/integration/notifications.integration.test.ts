import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/env";
import { recordDelivery } from "~/server/services/requests/record-delivery";
import { collectNotifications } from "~/server/services/notifications/collect-notifications";
import { runNotificationPass } from "~/server/services/notifications/notification-worker";
import { queueNotificationEmails } from "~/server/services/notifications/queue-emails";
import {
  closeMailTransport,
  leaseEmails,
  sendQueuedEmails,
} from "~/server/services/notifications/send-emails";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { freePort } from "../../scripts/free-port";
import { startMailCatcher, type CaughtMail } from "../../scripts/mail-catcher";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, type Harness } from "./harness";

/**
 * Notifications in the app and by email, read from a real SMTP server: each trigger, once,
 * across a crashed sender; daily digests; unsubscribe links that cannot be forged or replayed;
 * and no health data in any email.
 */
let harness: Harness;
let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
let sponsor: SessionUser;
let participant: SessionUser;
let researcher: SessionUser;
let trialId: string;
let listingId: string;
let requestId: string;

const SECRET_WORDS = {
  title: "Insulin resistance cohort Zephyrine",
  description: "Fasting glucose readings of Quillon ward",
  condition: "Type 2 diabetes mellitus",
  column: "fasting_glucose_mgdl",
  value: "187.25",
  trialTitle: "Glycaemia Marvelwood trial",
};
const CSV = [
  `pseudonym,year,${SECRET_WORDS.column}`,
  `S-1,2022,${SECRET_WORDS.value}`,
  "S-2,2023,140.5",
  "S-3,2021,99.75",
].join("\n");

async function emailsTo(user: SessionUser) {
  const row = await harness.db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { email: true },
  });
  return catcher.messages.filter((mail) => mail.to.includes(row.email!));
}

/** Runs the worker's pass until the SMTP server has received `total` emails in all. */
async function deliver(total: number): Promise<CaughtMail[]> {
  await runNotificationPass(harness.db);
  return catcher.waitFor(total);
}

async function notificationsOf(user: SessionUser, kind?: string) {
  return harness.db.notification.findMany({
    where: { userId: user.id, ...(kind ? { kind } : {}) },
  });
}

beforeAll(async () => {
  harness = await createHarness();
  catcher = await startMailCatcher({ port: await freePort() });
  process.env.SMTP_URL = catcher.url;
  resetEnvCache();
  const { db, chain } = harness;
  const wallet = createManagedWallet();
  sponsor = await db.user.create({
    data: {
      role: "SPONSOR",
      displayName: "Sponsor",
      email: `sponsor-${Date.now()}@test.local`,
      ...wallet,
    },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
  const trial = await registerTrial({
    db,
    chain,
    sponsorId: sponsor.id,
    input: {
      registryId: `NOTIFY-${Date.now()}`,
      title: SECRET_WORDS.trialTitle,
      phase: "Phase 2",
      conditions: [SECRET_WORDS.condition],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: keccak256(toUtf8Bytes("notify protocol")),
    },
  });
  trialId = trial.id;
  await harness.settle();
  participant = await harness.createUser("PARTICIPANT");
  researcher = await harness.createUser("RESEARCHER");
  await harness.mintTokens(researcher.walletAddress, parseUnits("100", 18));
  await harness.enroll(participant, trialId);
  const upload = await harness.upload(participant, CSV);
  ({ id: listingId } = await harness.callerFor(participant).listings.createDraft(
    listingInput(upload.id, {
      trialId,
      title: SECRET_WORDS.title,
      description: SECRET_WORDS.description,
      conditions: [SECRET_WORDS.condition],
      autoApprove: false,
      price: "2",
    }),
  ));
  await harness.act(participant, { type: "listing.publish", listingId });
  await harness.settle();
  // Everything up to here (enrolment milestone) is delivered first, so tests count from a clean slate.
  await runNotificationPass(db);
  await catcher.waitFor(1);
});

afterAll(async () => {
  closeMailTransport();
  await catcher?.close();
  delete process.env.SMTP_URL;
  resetEnvCache();
  await harness?.close();
});

describe("notifications", () => {
  it("tells the sponsor of an enrolment milestone", async () => {
    const subjects = (await emailsTo(sponsor)).map((mail) => mail.subject);
    expect(subjects).toHaveLength(1);
    expect(subjects[0]).toMatch(/: 1 enrolment$/);
  });

  it("tells the owner a request awaits a decision, with the deadline, once, by email and in the app", async () => {
    ({ id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "Glucose trajectories over three years, pooled.",
      accessDays: 30,
    }));
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    const before = catcher.messages.length;
    await deliver(before + 1);
    const [mail] = (await emailsTo(participant)).filter((candidate) =>
      candidate.subject.includes("asks to use your data"),
    );
    expect(mail).toBeDefined();
    const request = await harness.db.accessRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(request.decisionDeadline).toBeInstanceOf(Date);
    expect(mail!.text).toContain(
      `Decide by ${request.decisionDeadline!.toISOString().slice(0, 10)}`,
    );
    expect(mail!.text).toContain("/participant/requests");
    // Collecting and sending again (another server, a restart) changes nothing.
    await runNotificationPass(harness.db);
    await runNotificationPass(harness.db);
    expect(await notificationsOf(participant, "request.awaiting")).toHaveLength(1);
    expect(catcher.messages.length).toBe(before + 1);
    const inApp = await harness.callerFor(participant).notifications.mine();
    expect(inApp.unread).toBeGreaterThanOrEqual(1);
    expect(inApp.items.map((item) => item.kind)).toContain("request.awaiting");
  });

  it("warns when the decision window closes within a day", async () => {
    const request = await harness.db.accessRequest.findUniqueOrThrow({ where: { id: requestId } });
    const anHourBefore = new Date(request.decisionDeadline!.getTime() - 3_600_000);
    expect(await collectNotifications(harness.db, anHourBefore)).toBe(1);
    expect(await collectNotifications(harness.db, anHourBefore)).toBe(0);
    expect(await notificationsOf(participant, "request.closing")).toHaveLength(1);
  });

  it("sends the researcher's decision email exactly once although the sender crashed holding it", async () => {
    const [item] = await harness.callerFor(participant).requests.incoming();
    await harness.act(participant, { type: "item.decide", itemId: item!.id, approve: true });
    await harness.settle();
    await collectNotifications(harness.db);
    await queueNotificationEmails(harness.db);
    const before = catcher.messages.length;
    // A worker leases the queued emails and dies before sending them.
    const leased = await leaseEmails(harness.db, "crashed-worker");
    expect(leased.length).toBeGreaterThanOrEqual(2);
    expect(await sendQueuedEmails(harness.db)).toEqual({ sent: 0, failed: 0 });
    // Once its lease has run out, the next worker sends them, once.
    const later = new Date(Date.now() + 5 * 60_000);
    expect((await sendQueuedEmails(harness.db, { now: later })).sent).toBe(leased.length);
    expect((await sendQueuedEmails(harness.db, { now: later })).sent).toBe(0);
    await catcher.waitFor(before + leased.length);
    const decisions = (await emailsTo(researcher)).filter((mail) => /approved/.test(mail.subject));
    expect(decisions).toHaveLength(1);
    const [decision] = await notificationsOf(researcher, "decision.made");
    // The Message-ID comes from the notification: a re-send would carry the same one.
    expect(decisions[0]!.messageId).toBe(`<n-${decision!.id}@trialshare.notifications>`);
    expect(catcher.messages.length).toBe(before + leased.length);
  });

  it("tells the owner their data was used and a payment arrived", async () => {
    await recordDelivery({
      db: harness.db,
      chain: harness.chain,
      requestId,
      extractRoot: keccak256(toUtf8Bytes("notify-extract")),
    });
    await harness.settle();
    const before = (await emailsTo(participant)).length;
    await deliver(catcher.messages.length + 2);
    const subjects = (await emailsTo(participant)).slice(before).map((mail) => mail.subject);
    expect(subjects).toEqual(
      expect.arrayContaining(["TrialShare: Your data was used", "TrialShare: A payment arrived"]),
    );
    const payment = (await emailsTo(participant)).find((mail) => mail.subject.includes("payment"));
    expect(payment!.text).toMatch(/2 TSR was credited|1\.\d+ TSR was credited/);
  });

  it("asks for re-consent after a protocol amendment, and warns of consent about to expire", async () => {
    await harness.act(sponsor, {
      type: "trial.amend",
      trialId,
      protocolDocumentName: "protocol-v2.pdf",
      protocolHash: keccak256(toUtf8Bytes("notify protocol v2")),
    });
    await harness.settle();
    const upload = await harness.upload(participant, CSV, "short.csv");
    const { id: shortLived } = await harness
      .callerFor(participant)
      .listings.createDraft(
        listingInput(upload.id, { consentExpiresAt: new Date(Date.now() + 5 * 24 * 3600 * 1000) }),
      );
    await harness.act(participant, { type: "listing.publish", listingId: shortLived });
    await harness.settle();
    const before = catcher.messages.length;
    await deliver(before + 2);
    const subjects = (await emailsTo(participant)).map((mail) => mail.subject);
    expect(subjects).toContain("TrialShare: A trial you are in changed its protocol");
    expect(subjects).toContain("TrialShare: Your consent for a listing expires soon");
  });

  it("gathers a daily digest into one email, sent once a day", async () => {
    const api = harness.callerFor(participant);
    await api.notifications.updatePreferences({ emailEnabled: true, digest: "DAILY" });
    const rows = ["a", "b"].map((suffix) => ({
      userId: participant.id,
      kind: "test.digest",
      idempotencyKey: `test.digest:${participant.id}:${suffix}`,
      title: `Digest item ${suffix}`,
      body: "Something happened.",
      link: "/notifications",
    }));
    await harness.db.notification.createMany({ data: rows });
    const before = catcher.messages.length;
    await deliver(before + 1);
    const digest = catcher.messages.at(-1)!;
    expect(digest.subject).toBe("TrialShare: 2 updates today");
    expect(digest.text).toContain("Digest item a");
    expect(digest.text).toContain("Digest item b");
    // Another item the same day waits for tomorrow's digest.
    await harness.db.notification.create({
      data: { ...rows[0]!, idempotencyKey: "test.digest:c" },
    });
    await runNotificationPass(harness.db);
    expect(catcher.messages.length).toBe(before + 1);
    await api.notifications.updatePreferences({ emailEnabled: true, digest: "IMMEDIATE" });
    await deliver(before + 2);
  });

  it("unsubscribes with the email's link, and refuses the link replayed or forged", async () => {
    const mail = (await emailsTo(participant)).at(-1)!;
    const token = /unsubscribe\?token=([\w.-]+)/.exec(mail.text)![1]!;
    const anonymous = harness.callerFor(null);
    await expectCode(
      anonymous.notifications.unsubscribe({ token: `${token.slice(0, -4)}AAAA` }),
      "BAD_REQUEST",
      /not valid/,
    );
    // Someone else's id in the payload, with the signature of this link.
    const [payload, signature] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({
        ...(JSON.parse(Buffer.from(payload!, "base64url").toString()) as object),
        u: researcher.id,
      }),
    ).toString("base64url");
    await expectCode(
      anonymous.notifications.unsubscribe({ token: `${forged}.${signature}` }),
      "BAD_REQUEST",
      /not valid/,
    );
    expect((await harness.callerFor(researcher).notifications.preferences()).emailEnabled).toBe(
      true,
    );
    await anonymous.notifications.unsubscribe({ token });
    expect((await harness.callerFor(participant).notifications.preferences()).emailEnabled).toBe(
      false,
    );
    // The user subscribes again; the old link, replayed, changes nothing.
    await harness
      .callerFor(participant)
      .notifications.updatePreferences({ emailEnabled: true, digest: "IMMEDIATE" });
    await expectCode(anonymous.notifications.unsubscribe({ token }), "CONFLICT", /already used/);
    expect((await harness.callerFor(participant).notifications.preferences()).emailEnabled).toBe(
      true,
    );
  });

  it("sends no email to a user who turned email off, and keeps it in the app", async () => {
    const api = harness.callerFor(researcher);
    await api.notifications.updatePreferences({ emailEnabled: false, digest: "IMMEDIATE" });
    await harness.db.notification.create({
      data: {
        userId: researcher.id,
        kind: "test.quiet",
        idempotencyKey: `test.quiet:${researcher.id}`,
        title: "Quiet",
        body: "In the app only.",
        link: "/notifications",
      },
    });
    const before = catcher.messages.length;
    await runNotificationPass(harness.db);
    expect(catcher.messages.length).toBe(before);
    expect(
      await harness.db.emailOutbox.count({
        where: { userId: researcher.id, subject: { contains: "Quiet" } },
      }),
    ).toBe(0);
    expect((await api.notifications.mine()).items.map((item) => item.title)).toContain("Quiet");
  });

  it("marks only one's own notifications read", async () => {
    const mine = await harness.callerFor(participant).notifications.mine();
    const ids = mine.items.map((item) => item.id);
    expect(await harness.callerFor(researcher).notifications.markRead({ ids })).toEqual({
      marked: 0,
    });
    expect((await harness.callerFor(participant).notifications.mine()).unread).toBe(mine.unread);
    await harness.callerFor(participant).notifications.markRead({});
    expect(await harness.callerFor(participant).notifications.unreadCount()).toBe(0);
  });

  it("never puts health data in an email", () => {
    expect(catcher.messages.length).toBeGreaterThanOrEqual(8);
    for (const mail of catcher.messages) {
      const text = `${mail.subject}\n${mail.text}`.toLowerCase();
      for (const word of Object.values(SECRET_WORDS))
        expect(text).not.toContain(word.toLowerCase());
      expect(text).not.toMatch(/diabetes|glucose|hba1c/);
    }
  });
});
