import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { WAIT_MS } from "./browser";

/**
 * A person without a mouse: Tab and Shift+Tab move the focus, Enter and Space act, keys type.
 * Every element the focus lands on on the way must show where it is (an outline or a ring);
 * the ones that do not are collected in `unseenFocus`.
 */
export function keyboardUser(page: Page) {
  const unseenFocus: string[] = [];
  const visited: string[] = [];

  /** Where the focus is now, and whether a person can see it there. */
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      const hasOutline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      const hasRing = style.boxShadow !== "none";
      const name =
        element.getAttribute("aria-label") ??
        (element as HTMLInputElement).labels?.[0]?.textContent ??
        element.textContent ??
        "";
      return {
        name: `${element.tagName.toLowerCase()} “${name.trim().replace(/\s+/g, " ").slice(0, 50)}”`,
        isSeen: (hasOutline || hasRing) && box.width > 0 && box.height > 0,
      };
    });

  /** Presses Tab (or Shift+Tab) until `target` has the focus; fails if it never gets it. */
  const tabTo = async (target: Locator, options: { backwards?: boolean; max?: number } = {}) => {
    await target.waitFor({ timeout: WAIT_MS });
    for (let step = 0; step < (options.max ?? 120); step += 1) {
      await page.keyboard.press(options.backwards ? "Shift+Tab" : "Tab");
      const now = await focused();
      if (now) {
        visited.push(now.name);
        if (!now.isSeen) unseenFocus.push(now.name);
      }
      if (await target.evaluate((element) => element === document.activeElement)) return;
    }
    throw new Error(
      `The keyboard never reached ${String(target)}; it went through ${visited.slice(-15).join(", ")}`,
    );
  };

  /** Replaces what a field holds with `text`, typed once the keyboard has reached it. */
  const typeInto = async (target: Locator, text: string) => {
    await tabTo(target);
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type(text);
  };

  return {
    unseenFocus,
    tabTo,
    typeInto,
    /** Enter or Space on whatever has the focus. */
    press: (key: "Enter" | "Space") => page.keyboard.press(key === "Space" ? " " : key),
    /** Signs in with a demo account's email and password, keys only. */
    signIn: async (appUrl: string, role: string) => {
      const account = DEMO_ACCOUNTS.find((candidate) => candidate.role === role)!;
      await page.goto(`${appUrl}/sign-in`);
      const submit = page.getByRole("button", { name: "Sign in", exact: true });
      // The button is disabled until the page's script runs; only then can it be reached.
      await expect.poll(() => submit.isEnabled(), { timeout: WAIT_MS }).toBe(true);
      await typeInto(page.getByLabel("Email"), account.email);
      await typeInto(page.getByLabel("Password"), DEMO_PASSWORD);
      await tabTo(submit);
      await page.keyboard.press("Enter");
      await expect
        .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS })
        .toContain(role.toLowerCase());
    },
  };
}
