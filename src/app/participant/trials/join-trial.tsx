"use client";

import { useEffect, useState } from "react";
import { api } from "~/trpc/react";
import { ActionButton } from "../../_components/action-button";

/** The code from an invitation link (#invite=CODE), or a pasted link or code. */
function codeFrom(text: string): string {
  const match = /invite=([^&\s]+)/.exec(text);
  return (match?.[1] ?? text).trim();
}

/**
 * Joining a trial takes the invitation the study team gave you (a code, or a link that carries
 * it): the trial is shown first, and enrolling spends the invitation.
 */
export function JoinTrial() {
  const [input, setInput] = useState("");
  const [code, setCode] = useState<string | null>(null);
  const [subjectId, setSubjectId] = useState("");
  useEffect(() => {
    // The link keeps the code in the fragment, which never reaches a server log.
    const readLink = () => {
      const fromLink = codeFrom(window.location.hash);
      if (fromLink) {
        setInput(fromLink);
        setCode(fromLink);
      }
    };
    readLink();
    window.addEventListener("hashchange", readLink);
    return () => window.removeEventListener("hashchange", readLink);
  }, []);
  const invitation = api.enrollments.invitation.useQuery(
    { code: code ?? "" },
    { enabled: code !== null, retry: false },
  );
  return (
    <section className="card space-y-3" data-testid="join-trial">
      <h2 className="font-semibold">Join a trial with your invitation</h2>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          setCode(codeFrom(input));
        }}
      >
        <label className="label grow">
          Invitation code or link
          <input
            className="input"
            value={input}
            maxLength={300}
            autoComplete="off"
            onChange={(event) => setInput(event.target.value)}
            data-testid="invitation-code"
          />
        </label>
        <button type="submit" className="btn-secondary">
          Check invitation
        </button>
      </form>
      {code !== null && invitation.isPending && <p className="text-sm text-slate-600">Checking…</p>}
      {invitation.error && (
        <p role="alert" className="text-sm text-red-800">
          {invitation.error.message}
        </p>
      )}
      {invitation.data && code !== null && (
        <div className="space-y-2 border-t border-slate-100 pt-3" data-testid="invitation-trial">
          <p className="font-semibold">
            {invitation.data.trial.registryId} — {invitation.data.trial.title}
          </p>
          <p className="text-sm text-slate-600">
            {invitation.data.trial.phase} · protocol v{invitation.data.trial.currentVersion} ·{" "}
            {invitation.data.trial.sponsorName} · conditions:{" "}
            {invitation.data.trial.conditions.join(", ")} · invitation valid until{" "}
            {invitation.data.expiresAt.toLocaleDateString()}
          </p>
          <div className="flex flex-wrap items-end gap-3">
            <label className="label">
              Your trial subject number (optional; never stored or published)
              <input
                className="input"
                value={subjectId}
                maxLength={64}
                onChange={(event) => setSubjectId(event.target.value)}
              />
            </label>
            <ActionButton
              action={{ type: "enrollment.enroll", code, subjectId: subjectId || undefined }}
              testId="enroll"
            >
              Consent to protocol v{invitation.data.trial.currentVersion} and enrol
            </ActionButton>
          </div>
        </div>
      )}
    </section>
  );
}
