"use client";

import { TRPCClientError } from "@trpc/client";
import {
  FormProvider,
  get,
  useFormContext,
  type FieldValues,
  type Path,
  type UseFormReturn,
} from "react-hook-form";
import { useId, type InputHTMLAttributes, type ReactNode } from "react";

/**
 * Form primitives every form uses (documenso's primitives/form are the model): `Form` wraps
 * react-hook-form's context and disables every control while the form submits; `Field` ties
 * a label, a hint and the field's error to its control by id (aria-invalid,
 * aria-describedby); `FormAlert` says what went wrong with the form as a whole.
 */
export function Form<Values extends FieldValues, Output>({
  form,
  onSubmit,
  isBusy = false,
  className = "",
  children,
  ...props
}: {
  form: UseFormReturn<Values, unknown, Output>;
  onSubmit: (values: Output) => Promise<void>;
  /** Work after the submission (signing, waiting for the chain) that also locks the form. */
  isBusy?: boolean;
  children: ReactNode;
  className?: string;
  "data-testid"?: string;
  "aria-labelledby"?: string;
  /** "post" for a form with secrets: submitted before the page's script runs, they stay out of the URL. */
  method?: "post";
}) {
  const isLocked = form.formState.isSubmitting || isBusy;
  return (
    <FormProvider {...form}>
      <form noValidate onSubmit={(event) => void form.handleSubmit(onSubmit)(event)} {...props}>
        {/* The form's look goes on the fieldset, which holds every control (min-w-0: a
            fieldset is otherwise as wide as its widest content, wider than a phone). */}
        <fieldset disabled={isLocked} aria-busy={isLocked} className={`min-w-0 ${className}`}>
          {children}
        </fieldset>
      </form>
    </FormProvider>
  );
}

/** What a control needs to be tied to its label, hint and error message. */
export type FieldControlProps = {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby"?: string;
};

export function Field<Values extends FieldValues>({
  name,
  label,
  hint,
  className = "",
  children,
}: {
  name: Path<Values>;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const { formState } = useFormContext<Values>();
  const error: unknown = get(formState.errors, name);
  return (
    <FieldFrame
      label={label}
      hint={hint}
      message={error ? (messageOf(error) ?? "") : undefined}
      className={className}
    >
      {children}
    </FieldFrame>
  );
}

/**
 * The common case: one text-like input registered under its name. The input's own attributes
 * (type, autoComplete, required...) pass through; anything with its own registration options
 * or another control uses `Field` directly.
 */
export function TextField<Values extends FieldValues>({
  name,
  label,
  hint,
  className,
  ...input
}: {
  name: Path<Values>;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "className" | "id">) {
  const { register } = useFormContext<Values>();
  return (
    <Field<Values> name={name} label={label} hint={hint} className={className}>
      {(control) => <input className="input" {...input} {...control} {...register(name)} />}
    </Field>
  );
}

/**
 * The label, hint and error of one control, tied to it by id; `Field` for react-hook-form
 * forms, and alone for the two forms that must keep working before the page's script runs
 * (sign-in and registration post natively and read their fields from the DOM).
 * `message` undefined: valid; a string (even empty): invalid.
 */
export function FieldFrame({
  label,
  hint,
  message,
  className = "",
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  message?: string;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const messageId = message ? `${id}-message` : undefined;
  const describedBy = [hintId, messageId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`space-y-1 ${className}`}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children({
        id,
        "aria-invalid": message !== undefined,
        "aria-describedby": describedBy,
      })}
      {hint && (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      <FormMessage id={messageId} message={message} />
    </div>
  );
}

/**
 * The message of a field's error, or of the first of its items' (a list typed as one line of
 * text reports "conditions.0"): a field marked invalid always says why. Depth-limited, and
 * never into `ref`, the DOM element react-hook-form keeps beside the message.
 */
function messageOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 2) return undefined;
  const { message, ref: _ref, types: _types, ...items } = error as Record<string, unknown>;
  if (typeof message === "string" && message) return message;
  for (const item of Object.values(items)) {
    const nested = messageOf(item, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * A field's error, in words, beside the field. An alert (react-hook-form's accessible pattern):
 * a message that appears on submit is read out, and the field's description repeats it on focus.
 */
export function FormMessage({ id, message }: { id?: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="text-sm text-red-700">
      {message}
    </p>
  );
}

/** What went wrong with the form as a whole (the server refused it, the wallet failed). */
export function FormAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      {message}
    </p>
  );
}

/**
 * Puts the server's field errors (the tRPC error's `fieldErrors`, from the same zod schema)
 * beside the fields this form has; returns what is left to say for the form as a whole.
 */
export function applyServerErrors<Values extends FieldValues>(
  form: UseFormReturn<Values, unknown, unknown>,
  error: unknown,
  fallback: string,
): string | null {
  if (!(error instanceof Error)) return fallback;
  const data = error instanceof TRPCClientError ? (error.data as ServerErrorData) : undefined;
  const fieldErrors = Object.entries(data?.fieldErrors ?? {}).filter(
    ([name, messages]) => name in form.getValues() && messages?.[0],
  );
  for (const [name, messages] of fieldErrors)
    form.setError(name as Path<Values>, { type: "server", message: messages![0] });
  if (fieldErrors.length > 0 && fieldErrors.length === Object.keys(data?.fieldErrors ?? {}).length)
    return "Check the fields marked below.";
  return error.message;
}

/** The server's field errors (first message per field) of a refused call, for a native form. */
export function serverFieldErrors(error: unknown): Record<string, string> {
  const data = error instanceof TRPCClientError ? (error.data as ServerErrorData) : undefined;
  return Object.fromEntries(
    Object.entries(data?.fieldErrors ?? {}).flatMap(([name, messages]) =>
      messages?.[0] ? [[name, messages[0]]] : [],
    ),
  );
}

type ServerErrorData = { fieldErrors?: Record<string, string[] | undefined> } | undefined;
