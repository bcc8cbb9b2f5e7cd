/** Monthly earnings as bars; plain SVG, so it renders on the server and needs no library. */
export function EarningsChart({ data }: { data: { month: string; amount: number }[] }) {
  if (data.length === 0) return <p className="text-sm text-slate-600">No earnings yet.</p>;
  const width = 640;
  const height = 160;
  const top = 16;
  const max = Math.max(...data.map((point) => point.amount), 1);
  const barWidth = Math.min(60, (width - 40) / data.length - 8);
  return (
    <svg
      viewBox={`0 ${-top} ${width} ${height + top + 30}`}
      className="w-full max-w-2xl"
      role="img"
      aria-label="Earnings by month"
      data-testid="earnings-chart"
    >
      {data.map((point, index) => {
        const barHeight = Math.max(2, (point.amount / max) * height);
        const x = 20 + index * (barWidth + 8);
        return (
          <g key={point.month}>
            <rect
              x={x}
              y={height - barHeight}
              width={barWidth}
              height={barHeight}
              className="fill-teal-600"
            />
            <text
              x={x + barWidth / 2}
              y={height - barHeight - 4}
              textAnchor="middle"
              className="fill-slate-700 text-[10px]"
            >
              {point.amount}
            </text>
            <text
              x={x + barWidth / 2}
              y={height + 16}
              textAnchor="middle"
              className="fill-slate-500 text-[10px]"
            >
              {point.month}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
