"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ENROLL_FIELDS } from "~/shared/trial-actions";
import { api } from "~/trpc/react";
import { ActionStatus } from "../../_components/action-status";
import { Form, TextField } from "../../_components/form";
import { useIsHydrated } from "../../_components/sign-in-session";
import { useSignedAction } from "../../_components/use-signed-action";

/** The code from an invitation link (#invite=CODE), or a pasted link or code. */
function codeFrom(text: string): string {
  const match = /invite=([^&\s]+)/.exec(text);
  return (match?.[1] ?? text).trim();
}

/** The action's own schemas: the code as typed or pasted (a link is fine), the subject number. */
const ZCheckFormSchema = z.object({
  code: z.string().max(300).transform(codeFrom).pipe(ENROLL_FIELDS.code),
});
const ZEnrollFormSchema = z.object({
  subjectId: z
    .string()
    .transform((text) => text.trim() || undefined)
    .pipe(ENROLL_FIELDS.subjectId),
});

/**
 * Joining a trial takes the invitation the study team gave you (a code, or a link that carries
 * it): the trial is shown first, and enrolling spends the invitation. Both forms post, and wait
 * for the page's script: sent before it, the code would otherwise land in a URL.
 */
export function JoinTrial() {
  const isHydrated = useIsHydrated();
  const [code, setCode] = useState<string | null>(null);
  const form = useForm({
    resolver: zodResolver(ZCheckFormSchema),
    defaultValues: { code: "" },
  });
  const { setValue } = form;
  useEffect(() => {
    // The link keeps the code in the fragment, which never reaches a server log.
    const readLink = () => {
      const fromLink = codeFrom(window.location.hash);
      if (fromLink) {
        setValue("code", fromLink);
        setCode(fromLink);
      }
    };
    readLink();
    window.addEventListener("hashchange", readLink);
    return () => window.removeEventListener("hashchange", readLink);
  }, [setValue]);
  const invitation = api.enrollments.invitation.useQuery(
    { code: code ?? "" },
    { enabled: code !== null, retry: false },
  );
  return (
    <section className="card space-y-3" data-testid="join-trial">
      <h2 className="font-semibold">Join a trial with your invitation</h2>
      <Form
        form={form}
        onSubmit={(values) => Promise.resolve(setCode(values.code))}
        method="post"
        className="flex flex-wrap items-end gap-3"
      >
        <TextField
          name="code"
          label="Invitation code or link"
          className="grow"
          maxLength={300}
          autoComplete="off"
          data-testid="invitation-code"
        />
        <button type="submit" className="btn-secondary" disabled={!isHydrated}>
          Check invitation
        </button>
      </Form>
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
          <EnrollForm code={code} version={invitation.data.trial.currentVersion} />
        </div>
      )}
    </section>
  );
}

/** Consent to the protocol shown, with the subject number kept off the record. */
function EnrollForm({ code, version }: { code: string; version: number }) {
  const { run, step, error, isBusy } = useSignedAction();
  const form = useForm({
    resolver: zodResolver(ZEnrollFormSchema),
    defaultValues: { subjectId: "" },
  });
  async function enroll(values: z.output<typeof ZEnrollFormSchema>) {
    await run({ type: "enrollment.enroll", code, ...values });
  }
  return (
    <Form
      form={form}
      onSubmit={enroll}
      isBusy={isBusy}
      method="post"
      className="flex flex-wrap items-end gap-3"
    >
      <TextField
        name="subjectId"
        label="Your trial subject number (optional; never stored or published)"
        maxLength={64}
        autoComplete="off"
      />
      <span className="inline-flex flex-col gap-1">
        <button type="submit" className="btn" data-testid="enroll">
          Consent to protocol v{version} and enrol
        </button>
        <ActionStatus step={step} error={error} small />
      </span>
    </Form>
  );
}
