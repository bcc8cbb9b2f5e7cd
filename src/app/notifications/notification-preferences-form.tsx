"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import {
  ZNotificationPreferencesSchema,
  type TNotificationPreferences,
} from "~/shared/notification-preferences";
import { api } from "~/trpc/react";
import { ErrorState, LoadingState } from "../_components/page-state";
import { applyServerErrors, Field, Form, FormAlert } from "../_components/form";

/** Email or not, and each event at once or one digest a day; the app always shows them. */
export function NotificationPreferencesForm() {
  const current = api.notifications.preferences.useQuery();
  if (current.isPending) return <LoadingState label="Loading your choices…" />;
  if (current.error)
    return <ErrorState message={current.error.message} onRetry={() => void current.refetch()} />;
  return <PreferencesForm initial={current.data} />;
}

function PreferencesForm({ initial }: { initial: TNotificationPreferences }) {
  const utils = api.useUtils();
  const save = api.notifications.updatePreferences.useMutation({
    onSuccess: () => utils.notifications.preferences.invalidate(),
  });
  const form = useForm({
    resolver: zodResolver(ZNotificationPreferencesSchema),
    defaultValues: initial,
  });
  const [error, setError] = useState<string | null>(null);
  const emailEnabled = useWatch({ control: form.control, name: "emailEnabled" });

  async function submit(values: TNotificationPreferences) {
    setError(null);
    try {
      form.reset(await save.mutateAsync(values));
    } catch (caught) {
      setError(applyServerErrors(form, caught, "Your choices were not saved; try again."));
    }
  }

  return (
    <Form
      form={form}
      onSubmit={submit}
      className="card space-y-3"
      data-testid="notification-preferences"
      aria-labelledby="notification-preferences-heading"
    >
      <h2 id="notification-preferences-heading" className="font-semibold">
        How we tell you
      </h2>
      <FormAlert message={error} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" {...form.register("emailEnabled")} />
        Also by email (never with your health data: emails say what happened and link here)
      </label>
      {/* Disabled by hand, not through register: the choice is kept, and sent, while off. */}
      <Field name="digest" label="Email rhythm">
        {(control) => (
          <select
            className="input"
            disabled={!emailEnabled}
            {...control}
            {...form.register("digest")}
          >
            <option value="IMMEDIATE">One email per event, right away</option>
            <option value="DAILY">One digest a day</option>
          </select>
        )}
      </Field>
      <div>
        <button type="submit" className="btn">
          Save
        </button>
        {save.isSuccess && !form.formState.isDirty && (
          <span className="ml-3 text-sm text-emerald-800" role="status">
            Saved.
          </span>
        )}
      </div>
    </Form>
  );
}
