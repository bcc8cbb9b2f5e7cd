import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "~/env";
import { logger } from "./logger";

afterEach(() => {
  vi.restoreAllMocks();
  resetEnvCache();
});

describe("logger", () => {
  it("redacts fields that may hold secrets or personal data", () => {
    process.env.LOG_LEVEL = "info";
    resetEnvCache();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    logger.info("signed in", {
      userId: "u1",
      email: "a@b.c",
      password: "hunter2",
      signature: "0xsig",
      eventName: "ListingCreated",
    });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({
      message: "signed in",
      userId: "u1",
      email: "[redacted]",
      password: "[redacted]",
      signature: "[redacted]",
      eventName: "ListingCreated",
    });
    process.env.LOG_LEVEL = "silent";
  });
});
