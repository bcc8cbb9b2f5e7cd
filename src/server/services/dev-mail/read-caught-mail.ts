import "server-only";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { getEnv } from "~/env";

/**
 * The emails `npm run dev`'s local mail catcher received (DATA_DIR/mail), newest first, for the
 * development page /dev/mail. Null outside development: production never shows mail.
 */
export async function readCaughtMail(limit = 50) {
  const env = getEnv();
  if (env.NODE_ENV !== "development") return null;
  const folder = path.join(env.DATA_DIR, "mail");
  const names = (await readdir(folder).catch(() => [] as string[]))
    .filter((name) => name.endsWith(".eml"))
    .sort()
    .reverse()
    .slice(0, limit);
  const { simpleParser } = await import("mailparser");
  return Promise.all(
    names.map(async (name) => {
      const parsed = await simpleParser(await readFile(path.join(folder, name)));
      const to = Array.isArray(parsed.to)
        ? parsed.to.map((a) => a.text).join(", ")
        : parsed.to?.text;
      return {
        name,
        date: parsed.date?.toISOString() ?? null,
        to: to ?? "",
        subject: parsed.subject ?? "",
        text: parsed.text ?? "",
      };
    }),
  );
}
