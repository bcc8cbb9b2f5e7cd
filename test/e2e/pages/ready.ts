import type { Locator, Page } from "playwright-core";
import { WAIT_MS } from "../browser";

/**
 * A control is ready when React has attached its props to it (hydration): a click before that
 * is lost (a button) or sends the form natively (a form). Pages stream behind their segment's
 * `loading.tsx`, so "visible" is not "ready"; this waits for the condition, never for time.
 */
export async function whenReady(target: Locator): Promise<Locator> {
  // Only the copy the person sees: while a streamed page is revealed React keeps a hidden one
  // beside it (see `shown`; a loaded CI run found two `reconsent` buttons, one hidden).
  const locator = target.filter({ visible: true });
  await locator.waitFor({ timeout: WAIT_MS });
  await locator.evaluate(
    (element) =>
      new Promise<void>((resolve) => {
        const isHydrated = () =>
          Object.keys(element).some((key) => key.startsWith("__reactProps$"));
        if (isHydrated()) return resolve();
        // Hydration sets no attribute to observe: ask again on each frame until it happened.
        const check = () => (isHydrated() ? resolve() : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }),
    undefined,
    { timeout: WAIT_MS },
  );
  return locator;
}

/** Clicks a control once its handler is attached. */
export async function clickWhenReady(locator: Locator): Promise<void> {
  await (await whenReady(locator)).click();
}

/**
 * The element with this test id that the person sees. While a streamed page is being revealed,
 * React keeps the arriving content in a hidden copy beside the shown one (seen in a loaded CI
 * run: two `consent-state` elements, one hidden), so a read of "the" element must skip copies.
 */
export const shown = (page: Page, testId: string): Locator =>
  page.getByTestId(testId).filter({ visible: true });
