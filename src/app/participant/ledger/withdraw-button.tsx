"use client";

import { useState, type ReactNode } from "react";
import { ActionStatus } from "../../_components/action-status";
import { useSignedAction } from "../../_components/use-signed-action";

/**
 * Withdraws from every account that holds something: earnings sit with the account that owns
 * each listing, rewards with the account of each enrolment, and each withdraws to itself.
 */
export function WithdrawButton(props: {
  kind: "earnings.withdraw" | "rewards.withdraw";
  accounts: string[];
  children: ReactNode;
  variant?: "secondary";
  testId?: string;
}) {
  const { run, step, error, isBusy } = useSignedAction();
  const [progress, setProgress] = useState<string | null>(null);
  async function withdrawAll() {
    for (const [index, account] of props.accounts.entries()) {
      if (props.accounts.length > 1)
        setProgress(`Account ${index + 1} of ${props.accounts.length}…`);
      if (!(await run({ type: props.kind, account }))) break;
    }
    setProgress(null);
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        className={props.variant === "secondary" ? "btn-secondary" : "btn"}
        disabled={isBusy || progress !== null}
        data-testid={props.testId}
        onClick={() => void withdrawAll()}
      >
        {props.children}
      </button>
      {progress && (
        <span className="text-xs text-slate-600" aria-live="polite">
          {progress}
        </span>
      )}
      <ActionStatus step={step} error={error} small />
    </span>
  );
}
