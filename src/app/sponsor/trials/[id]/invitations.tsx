"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import {
  INVITATION_BATCH_FIELDS,
  MAX_INVITATIONS_PER_BATCH,
  ZInvitationLabelSchema,
} from "~/shared/invitations";
import { api } from "~/trpc/react";
import { ActionButton } from "../../../_components/action-button";
import { applyServerErrors, Field, Form, FormAlert, TextField } from "../../../_components/form";
import { QueryState } from "../../../_components/page-state";
import { signInvitation } from "../../../_components/wallet";

/** The link a subject opens; the code rides in the fragment, which no server ever logs. */
function linkOf(code: string): string {
  return `${window.location.origin}/participant/trials#invite=${code}`;
}

/** The procedures' own schemas, without the trial (the form belongs to one). */
const ZInvitationsFormSchema = z.object({
  ...INVITATION_BATCH_FIELDS,
  label: ZInvitationLabelSchema,
});

/**
 * Invitations to enrol, one per subject: each works once, only until it expires, and only for
 * the account that redeems it. The sponsor signs each (on the server for server-held wallets).
 */
export function Invitations({ trialId }: { trialId: string }) {
  const invitations = api.trials.invitations.useQuery({ trialId }, { refetchInterval: 5_000 });
  const prepare = api.trials.prepareInvitations.useMutation();
  const issue = api.trials.issueInvitations.useMutation();
  const utils = api.useUtils();
  const form = useForm({
    resolver: zodResolver(ZInvitationsFormSchema),
    defaultValues: { count: 1, validDays: 30, label: "" },
  });
  const [error, setError] = useState<string | null>(null);

  async function issueInvitations({ label, ...batch }: z.output<typeof ZInvitationsFormSchema>) {
    setError(null);
    try {
      const prepared = await prepare.mutateAsync({ trialId, ...batch });
      const drafts = [];
      for (const draft of prepared.drafts) {
        drafts.push({
          token: draft.token,
          signature: prepared.signsInWallet ? await signInvitation(draft.typedData) : undefined,
        });
      }
      await issue.mutateAsync({ trialId, label, drafts });
      await utils.trials.invitations.invalidate({ trialId });
    } catch (caught) {
      setError(applyServerErrors(form, caught, "The invitations were not issued."));
    }
  }

  return (
    <section className="card space-y-3" data-testid="invitations">
      <h2 className="text-lg font-semibold">Invitations</h2>
      <p className="text-sm text-slate-600">
        Participants enrol only with an invitation from you: give each subject their own link (or
        code). Each works once, for the first account that redeems it, until it expires.
      </p>
      <Form form={form} onSubmit={issueInvitations} className="space-y-3">
        <FormAlert message={error} />
        <div className="flex flex-wrap items-end gap-3">
          <Field name="count" label="How many">
            {(control) => (
              <input
                type="number"
                min={1}
                max={MAX_INVITATIONS_PER_BATCH}
                className="input w-24"
                {...control}
                {...form.register("count", { valueAsNumber: true })}
              />
            )}
          </Field>
          <Field name="validDays" label="Valid for (days)">
            {(control) => (
              <input
                type="number"
                min={1}
                max={365}
                className="input w-24"
                {...control}
                {...form.register("validDays", { valueAsNumber: true })}
              />
            )}
          </Field>
          <TextField
            name="label"
            label="Your reference (site or visit; no names)"
            maxLength={80}
            className="input"
          />
          <button type="submit" className="btn" data-testid="issue-invitations">
            {form.formState.isSubmitting ? "Issuing…" : "Issue invitations"}
          </button>
        </div>
      </Form>
      <QueryState
        query={invitations}
        loading="Loading invitations…"
        isEmpty={(list) => list.length === 0}
        empty={<p data-testid="no-invitations">No invitations issued yet.</p>}
      >
        {(list) => (
          <table className="data-table" data-testid="invitation-list">
            <thead>
              <tr>
                <th scope="col">Issued</th>
                <th scope="col">Reference</th>
                <th scope="col">Status</th>
                <th scope="col">Link (give it to one subject)</th>
                <th scope="col">
                  <span className="sr-only">Revoke</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((invitation) => (
                <tr key={invitation.id}>
                  <td data-label="Issued" className="whitespace-nowrap">
                    {invitation.createdAt.toLocaleDateString()}
                  </td>
                  <td data-label="Reference">{invitation.label || "—"}</td>
                  <td data-label="Status" data-testid="invitation-status">
                    {invitation.status.toLowerCase()}
                    {invitation.status === "OPEN" &&
                      ` until ${invitation.expiresAt.toLocaleDateString()}`}
                  </td>
                  <td data-label="Link" className="mono break-all">
                    {invitation.code ? (
                      <input
                        readOnly
                        className="input mono w-full text-xs"
                        value={linkOf(invitation.code)}
                        aria-label="Invitation link"
                        data-testid="invitation-link"
                        onFocus={(event) => event.currentTarget.select()}
                      />
                    ) : (
                      "—"
                    )}
                  </td>
                  <td data-label="">
                    {invitation.status === "OPEN" && !invitation.isRevoking && (
                      <ActionButton
                        action={{ type: "trial.revokeInvitation", invitationId: invitation.id }}
                        variant="secondary"
                        confirm="Revoke this invitation? Nobody can enrol with it afterwards."
                      >
                        Revoke
                      </ActionButton>
                    )}
                    {invitation.isRevoking && "revoking…"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}
