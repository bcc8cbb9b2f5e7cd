"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { api } from "~/trpc/react";
import { ErasureConfirm } from "../_components/erasure-confirm";

/**
 * The user's rights over their data: download everything held about them (GDPR Art. 15 and
 * 20), and, for participants, erase the whole account (Art. 17).
 */
export function MyData({ canErase }: { canErase: boolean }) {
  const [isErasing, setIsErasing] = useState(false);
  const erase = api.rights.eraseAccount.useMutation({
    // The erasure ended every session of the account.
    onSuccess: () => void signOut({ callbackUrl: "/" }),
  });
  return (
    <section className="card space-y-3" data-testid="my-data">
      <h2 className="font-semibold">Your data</h2>
      <p className="text-sm text-slate-600">
        Everything TrialShare holds about you: your account, enrolments, listings with their
        de-identified data, consents, requests, uses and payments, each on-chain fact with its
        transaction.
      </p>
      <div className="flex flex-wrap gap-3">
        <a className="btn-secondary" href="/api/my-data/json" download data-testid="export-json">
          Download (JSON)
        </a>
        <a className="btn-secondary" href="/api/my-data/fhir" download data-testid="export-fhir">
          Download (FHIR R4 Bundle)
        </a>
      </div>
      {canErase &&
        (isErasing ? (
          <ErasureConfirm
            what="your account and all your listings"
            isBusy={erase.isPending}
            error={erase.error?.message ?? null}
            onConfirm={() => erase.mutate({ confirm: true })}
            onCancel={() => setIsErasing(false)}
          />
        ) : (
          <button type="button" className="btn-secondary" onClick={() => setIsErasing(true)}>
            Erase my account…
          </button>
        ))}
    </section>
  );
}
