"use client";

import type { ReactNode } from "react";
import type { TAction } from "~/server/services/actions/registry";
import { ActionStatus } from "./action-status";
import { useIsHydrated } from "./sign-in-session";
import { useSignedAction } from "./use-signed-action";

/** A button that runs one signed action and says where it stands. */
export function ActionButton(props: {
  action: TAction;
  children: ReactNode;
  variant?: "primary" | "secondary" | "danger";
  confirm?: string;
  testId?: string;
}) {
  const { run, step, error, isBusy } = useSignedAction();
  // A click before the page's script runs would be lost without a word: wait for it.
  const isHydrated = useIsHydrated();
  const className =
    props.variant === "secondary"
      ? "btn-secondary"
      : props.variant === "danger"
        ? "btn bg-red-700 hover:bg-red-800"
        : "btn";
  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        className={className}
        disabled={isBusy || !isHydrated}
        data-testid={props.testId}
        onClick={() => {
          if (props.confirm && !window.confirm(props.confirm)) return;
          void run(props.action);
        }}
      >
        {props.children}
      </button>
      <ActionStatus step={step} error={error} small />
    </span>
  );
}
