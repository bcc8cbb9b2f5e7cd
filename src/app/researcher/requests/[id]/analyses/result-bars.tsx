/**
 * Released counts as horizontal bars (plain divs: no chart library). A suppressed value has
 * no bar, only its label, so the chart never hints at a figure the table withholds.
 */
export function ResultBars({ bars }: { bars: { label: string; value: number | null }[] }) {
  const largest = Math.max(1, ...bars.map((bar) => bar.value ?? 0));
  return (
    <figure className="space-y-1" aria-label="Chart of the released counts">
      {bars.map((bar, index) => (
        <div key={index} className="grid grid-cols-[minmax(6rem,12rem)_1fr] items-center gap-2">
          <span className="truncate text-xs text-slate-700" title={bar.label}>
            {bar.label}
          </span>
          {bar.value === null ? (
            <span className="text-xs text-amber-800 italic">suppressed</span>
          ) : (
            <span className="flex items-center gap-1">
              <span
                aria-hidden="true"
                className="inline-block h-3 rounded-sm bg-teal-700"
                style={{ width: `${Math.max(1, (100 * bar.value) / largest)}%` }}
              />
              <span className="text-xs text-slate-600">{bar.value}</span>
            </span>
          )}
        </div>
      ))}
    </figure>
  );
}
