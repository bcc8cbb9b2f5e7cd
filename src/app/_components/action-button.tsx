"use client";

import type { ReactNode } from "react";
import type { TAction } from "~/server/services/actions/registry";
import { ActionStatus } from "./action-status";
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
        disabled={isBusy}
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
