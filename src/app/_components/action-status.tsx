import { STEP_LABELS, type ActionStep } from "./use-signed-action";

/** Where a signed action stands, and its error, beside the control that started it. */
export function ActionStatus(props: { step: ActionStep; error: string | null; small?: boolean }) {
  const size = props.small ? "text-xs" : "text-sm";
  return (
    <>
      {props.step !== "idle" && (
        <span className={`${size} text-slate-600`} aria-live="polite">
          {STEP_LABELS[props.step]}
        </span>
      )}
      {props.error && (
        <span role="alert" className={`${size} text-red-800`}>
          {props.error}
        </span>
      )}
    </>
  );
}
