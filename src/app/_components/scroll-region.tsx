import type { ReactNode } from "react";

/**
 * A wide block (a data preview with many columns) that scrolls sideways on its own instead of
 * widening the page. Named and focusable, so a keyboard user can reach and scroll it, and a
 * screen reader says what it holds.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // A scrollable region must be reachable by keyboard (WCAG 2.1.1), hence tabIndex 0.
    <div role="region" aria-label={label} tabIndex={0} className="overflow-x-auto">
      {children}
    </div>
  );
}
