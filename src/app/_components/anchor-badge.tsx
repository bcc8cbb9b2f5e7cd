const STYLES = {
  PENDING: "bg-amber-100 text-amber-900",
  CONFIRMED: "bg-emerald-100 text-emerald-900",
  FAILED: "bg-red-100 text-red-900",
} as const;

const LABELS = {
  PENDING: "Anchoring on chain…",
  CONFIRMED: "Anchored on chain",
  FAILED: "Anchor failed",
} as const;

export function AnchorBadge({ status }: { status: keyof typeof STYLES }) {
  return (
    <span
      data-testid="anchor-status"
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]}`}
    >
      {LABELS[status]}
    </span>
  );
}
