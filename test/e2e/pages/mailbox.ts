import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { expect } from "vitest";
import { WAIT_MS } from "../browser";

/** The inbox of the app's test SMTP server (one .eml file per message in `mailDir`). */
export function mailbox(mailDir: string) {
  /** The emails received so far, parsed. */
  async function received(): Promise<ParsedMail[]> {
    const names = await readdir(mailDir).catch(() => [] as string[]);
    return Promise.all(
      names
        .filter((name) => name.endsWith(".eml"))
        .map(async (name) => simpleParser(await readFile(path.join(mailDir, name)))),
    );
  }
  const matching = async (to: string, subject: string) =>
    (await received()).filter(
      (mail) => JSON.stringify(mail.to).includes(to) && (mail.subject ?? "").includes(subject),
    );
  return {
    received,
    /** Waits until exactly one email to `to` with `subject` in its subject arrived; returns it. */
    async waitForOne(to: string, subject: string): Promise<ParsedMail> {
      await expect
        .poll(async () => (await matching(to, subject)).length, {
          timeout: WAIT_MS,
          interval: 1_000,
        })
        .toBe(1);
      return (await matching(to, subject))[0]!;
    },
  };
}
