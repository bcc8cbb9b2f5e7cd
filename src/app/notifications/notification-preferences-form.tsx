"use client";

import { useState } from "react";
import { api } from "~/trpc/react";

/** Email or not, and each event at once or one digest a day; the app always shows them. */
export function NotificationPreferencesForm() {
  const current = api.notifications.preferences.useQuery();
  if (current.isPending) return <p className="text-slate-600">Loading…</p>;
  if (current.error)
    return (
      <p role="alert" className="card text-red-800">
        {current.error.message}
      </p>
    );
  return <PreferencesForm initial={current.data} />;
}

function PreferencesForm({
  initial,
}: {
  initial: { emailEnabled: boolean; digest: "IMMEDIATE" | "DAILY" };
}) {
  const utils = api.useUtils();
  const save = api.notifications.updatePreferences.useMutation({
    onSuccess: () => utils.notifications.preferences.invalidate(),
  });
  const [emailEnabled, setEmailEnabled] = useState(initial.emailEnabled);
  const [digest, setDigest] = useState(initial.digest);
  return (
    <form
      className="card space-y-3"
      data-testid="notification-preferences"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ emailEnabled, digest });
      }}
    >
      <h2 className="font-semibold">How we tell you</h2>
      <fieldset disabled={save.isPending} className="space-y-3">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={emailEnabled}
            onChange={(event) => setEmailEnabled(event.target.checked)}
          />
          Also by email (never with your health data: emails say what happened and link here)
        </label>
        <label className="label">
          Email rhythm
          <select
            className="input"
            value={digest}
            disabled={!emailEnabled}
            onChange={(event) => setDigest(event.target.value === "DAILY" ? "DAILY" : "IMMEDIATE")}
          >
            <option value="IMMEDIATE">One email per event, right away</option>
            <option value="DAILY">One digest a day</option>
          </select>
        </label>
        <button type="submit" className="btn">
          Save
        </button>
        {save.isSuccess && <span className="ml-3 text-sm text-emerald-800">Saved.</span>}
        {save.error && (
          <p role="alert" className="text-sm text-red-800">
            {save.error.message}
          </p>
        )}
      </fieldset>
    </form>
  );
}
