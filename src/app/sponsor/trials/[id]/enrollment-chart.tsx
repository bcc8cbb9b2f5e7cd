/** Active enrolments over time as a step line; plain SVG, no chart library. */
export function EnrollmentChart({ series }: { series: { day: string; active: number }[] }) {
  if (series.length === 0) return <p className="text-sm text-slate-600">No enrolments yet.</p>;
  const width = 640;
  const height = 140;
  const left = 30;
  const max = Math.max(...series.map((point) => point.active), 1);
  const step = series.length > 1 ? (width - left - 20) / (series.length - 1) : 0;
  const x = (index: number) => left + index * step;
  const y = (value: number) => height - (value / max) * height;
  const path = series
    .map((point, index) =>
      index === 0 ? `M ${x(0)} ${y(point.active)}` : `H ${x(index)} V ${y(point.active)}`,
    )
    .join(" ");
  return (
    <svg
      viewBox={`0 -10 ${width} ${height + 40}`}
      className="w-full max-w-2xl"
      role="img"
      aria-label="Active enrolments over time"
      data-testid="enrollment-chart"
    >
      <line x1={left} x2={width} y1={height} y2={height} className="stroke-slate-300" />
      <text x={0} y={y(max) + 4} className="fill-slate-500 text-[10px]">
        {max}
      </text>
      <path d={path} className="fill-none stroke-teal-600" strokeWidth={2} />
      {series.map((point, index) => (
        <g key={point.day}>
          <circle cx={x(index)} cy={y(point.active)} r={3} className="fill-teal-700" />
          <text
            x={x(index)}
            y={height + 16}
            textAnchor="middle"
            className="fill-slate-500 text-[10px]"
          >
            {point.day}
          </text>
        </g>
      ))}
    </svg>
  );
}
