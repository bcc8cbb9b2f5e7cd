type Budget = {
  listingId: string;
  listing: string;
  totalCentis: number;
  spentCentis: number;
  leftCentis: number;
  analyses: number;
};

const epsilon = (centis: number) => (centis / 100).toFixed(2);

/**
 * Each listing's privacy budget as a bar: how much of the ε its owner accepts analyses have
 * used, and what that means in plain words (docs/privacy.md).
 */
export function BudgetBars({ budgets }: { budgets: Budget[] }) {
  if (budgets.length === 0) return null;
  return (
    <section className="card space-y-3" data-testid="privacy-budgets">
      <h2 className="font-semibold">Privacy budget of your listings</h2>
      <p className="max-w-2xl text-sm text-slate-600">
        Researchers can run analyses on your data without receiving it; each analysis uses part of
        the privacy budget (ε) you set. With ε used in all, no result released so far can make any
        fact about you more than e<sup>ε</sup> times more or less likely to be true than if your
        data had not been used. When the budget is spent, your listing is left out of new analyses;
        revoking consent stops future analyses but cannot take back results already released.
      </p>
      <ul className="space-y-3">
        {budgets.map((budget) => {
          const used =
            budget.totalCentis === 0
              ? 0
              : Math.min(100, Math.round((budget.spentCentis / budget.totalCentis) * 100));
          return (
            <li key={budget.listingId} data-testid="privacy-budget">
              <div className="flex flex-wrap justify-between gap-2 text-sm">
                <span className="font-medium">{budget.listing}</span>
                <span>
                  ε {epsilon(budget.spentCentis)} used, {epsilon(budget.leftCentis)} of{" "}
                  {epsilon(budget.totalCentis)} left · {budget.analyses}{" "}
                  {budget.analyses === 1 ? "analysis" : "analyses"}
                </span>
              </div>
              <div
                className="mt-1 h-3 w-full overflow-hidden rounded bg-slate-200"
                role="meter"
                aria-label={`Privacy budget used for ${budget.listing}`}
                aria-valuemin={0}
                aria-valuemax={budget.totalCentis / 100}
                aria-valuenow={budget.spentCentis / 100}
              >
                <div
                  className={used >= 100 ? "h-full bg-rose-500" : "h-full bg-sky-600"}
                  style={{ width: `${used}%` }}
                />
              </div>
              {budget.leftCentis === 0 && budget.totalCentis > 0 && (
                <p className="mt-1 text-sm text-rose-700">
                  This listing&apos;s privacy budget is spent; it is left out of new analyses. Raise
                  it by granting consent again with a larger budget.
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
