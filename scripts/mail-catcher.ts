import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A local SMTP server that accepts every message and keeps it: `npm run dev` runs one so a
 * newcomer sees the app's emails (at /dev/mail), and tests read the real SMTP traffic from it.
 * Messages are parsed with mailparser and, when `folder` is given, written there as .eml files.
 */
export type CaughtMail = {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  raw: string;
};

export async function startMailCatcher(options: { port: number; folder?: string }) {
  const messages: CaughtMail[] = [];
  const waiters: (() => void)[] = [];
  if (options.folder) await mkdir(options.folder, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        void simpleParser(raw)
          .then(async (parsed: ParsedMail) => {
            const mail: CaughtMail = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              messageId: parsed.messageId ?? "",
              raw,
            };
            if (options.folder)
              await writeFile(
                path.join(options.folder, `${Date.now()}-${messages.length}.eml`),
                raw,
              );
            messages.push(mail);
            for (const wake of waiters.splice(0)) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    url: `smtp://127.0.0.1:${options.port}`,
    messages,
    /** Resolves once `count` messages in all have arrived (or rejects after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 20_000): Promise<CaughtMail[]> {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} emails, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
