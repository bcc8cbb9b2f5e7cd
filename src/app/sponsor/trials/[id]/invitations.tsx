"use client";

import { useState, type FormEvent } from "react";
import { api } from "~/trpc/react";
import { ActionButton } from "../../../_components/action-button";
import { signInvitation } from "../../../_components/wallet";

/** The link a subject opens; the code rides in the fragment, which no server ever logs. */
function linkOf(code: string): string {
  return `${window.location.origin}/participant/trials#invite=${code}`;
}

/**
 * Invitations to enrol, one per subject: each works once, only until it expires, and only for
 * the account that redeems it. The sponsor signs each (on the server for server-held wallets).
 */
export function Invitations({ trialId }: { trialId: string }) {
  const invitations = api.trials.invitations.useQuery({ trialId }, { refetchInterval: 5_000 });
  const prepare = api.trials.prepareInvitations.useMutation();
  const issue = api.trials.issueInvitations.useMutation();
  const utils = api.useUtils();
  const [error, setError] = useState<string | null>(null);
  const [isIssuing, setIsIssuing] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setIsIssuing(true);
    const data = new FormData(event.currentTarget);
    try {
      const prepared = await prepare.mutateAsync({
        trialId,
        count: Number(data.get("count")),
        validDays: Number(data.get("validDays")),
      });
      const drafts = [];
      for (const draft of prepared.drafts) {
        drafts.push({
          token: draft.token,
          signature: prepared.signsInWallet ? await signInvitation(draft.typedData) : undefined,
        });
      }
      await issue.mutateAsync({
        trialId,
        label: typeof data.get("label") === "string" ? (data.get("label") as string) : "",
        drafts,
      });
      await utils.trials.invitations.invalidate({ trialId });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The invitations were not issued.");
    } finally {
      setIsIssuing(false);
    }
  }

  return (
    <section className="card space-y-3" data-testid="invitations">
      <h2 className="text-lg font-semibold">Invitations</h2>
      <p className="text-sm text-slate-600">
        Participants enrol only with an invitation from you: give each subject their own link (or
        code). Each works once, for the first account that redeems it, until it expires.
      </p>
      <form className="flex flex-wrap items-end gap-3" onSubmit={(event) => void onSubmit(event)}>
        <label className="label">
          How many
          <input
            name="count"
            type="number"
            min={1}
            max={50}
            defaultValue={1}
            className="input w-24"
          />
        </label>
        <label className="label">
          Valid for (days)
          <input
            name="validDays"
            type="number"
            min={1}
            max={365}
            defaultValue={30}
            className="input w-24"
          />
        </label>
        <label className="label">
          Your reference (site or visit; no names)
          <input name="label" maxLength={80} className="input" />
        </label>
        <button type="submit" className="btn" disabled={isIssuing} data-testid="issue-invitations">
          {isIssuing ? "Issuing…" : "Issue invitations"}
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {invitations.data && invitations.data.length > 0 && (
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
            {invitations.data.map((invitation) => (
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
    </section>
  );
}
