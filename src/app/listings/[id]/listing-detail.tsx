"use client";

import { PURPOSES, purposeLabel } from "~/shared/purposes";
import { api } from "~/trpc/react";
import { AnchorBadge } from "../../_components/anchor-badge";
import { EraseListing } from "./erase-listing";
import { ManageListing } from "./manage-listing";
import { ErrorState, LoadingState } from "../../_components/page-state";

function Check({ isOk, label }: { isOk: boolean; label: string }) {
  return (
    <li className={isOk ? "text-emerald-800" : "text-slate-500"}>
      {isOk ? "✓" : "○"} {label}
    </li>
  );
}

export function ListingDetail({ listingId }: { listingId: string }) {
  const query = api.listings.byId.useQuery(
    { listingId },
    // Poll while the anchor is on its way; stop once the chain has answered either way.
    {
      refetchInterval: (state) =>
        state.state.data?.anchor.status === "PENDING" ||
        ["PENDING", "SENT"].includes(state.state.data?.chain.outbox?.status ?? "")
          ? 1_500
          : false,
    },
  );
  if (query.isPending) return <LoadingState />;
  if (query.error)
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  const listing = query.data;
  const { chain } = listing;
  return (
    <article className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{listing.title}</h1>
        <AnchorBadge status={listing.anchor.status} />
      </div>
      {listing.isErased && (
        <p className="card text-sm text-slate-700" data-testid="listing-erased">
          You erased this listing: its data and keys are destroyed, consent is revoked and it is
          unlisted on chain. Records delivered before stay under their data-use terms.
        </p>
      )}
      <p className="text-slate-700">{listing.description || "No description."}</p>
      <dl className="card grid gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-slate-500">Records</dt>
          <dd>
            {listing.recordCount} ({listing.dataType})
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Price per use</dt>
          <dd>{listing.price} TSR</dd>
        </div>
        <div>
          <dt className="text-slate-500">Owner</dt>
          <dd>{listing.ownerName}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Trial</dt>
          <dd>{listing.trial ? `${listing.trial.registryId} — ${listing.trial.title}` : "—"}</dd>
        </div>
        {listing.consent && (
          <>
            <div>
              <dt className="text-slate-500">Allowed purposes</dt>
              <dd>{listing.consent.purposes.map(purposeLabel).join(", ")}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Consent</dt>
              <dd data-testid="consent-state">
                {listing.consent.isRevoked
                  ? "revoked"
                  : listing.consent.isSuspended
                    ? "suspended: the owner withdrew from the trial"
                    : listing.consent.isAwaitingReconsent
                      ? "waiting for the owner's consent to the amended protocol: no request or use until then"
                      : `until ${listing.consent.expiresAt.toLocaleDateString()}`}{" "}
                · {listing.consent.autoApprove ? "auto-approve" : "owner decides"} · epoch{" "}
                {listing.consent.epoch}
              </dd>
            </div>
          </>
        )}
      </dl>
      <section className="card space-y-2 text-sm" data-testid="chain-panel">
        <h2 className="font-semibold">On chain</h2>
        {!chain.isReachable && (
          <p className="text-amber-800">
            The chain is not reachable right now; showing what we last saw.
          </p>
        )}
        <ul className="space-y-1">
          <Check isOk={chain.isAnchored} label="Listing exists in the DataMarketplace contract" />
          <Check isOk={chain.isAnchored && chain.ownerMatches} label="Owner matches" />
          <Check
            isOk={chain.isAnchored && chain.dataRootMatches}
            label="Anchored data root matches the listing's root"
          />
          <Check
            isOk={chain.isAnchored && chain.termsHashMatches}
            label="Consent terms hash matches"
          />
        </ul>
        <p>
          Data root: <span className="mono">{listing.dataRoot}</span>
        </p>
        {listing.anchor.txHash ? (
          <p>
            Transaction:{" "}
            <span className="mono" data-testid="anchor-tx">
              {listing.anchor.txHash}
            </span>{" "}
            (block {listing.anchor.blockNumber})
          </p>
        ) : chain.outbox ? (
          <p>
            Outbox: {chain.outbox.status.toLowerCase()}
            {chain.outbox.txHash && <span className="mono"> · {chain.outbox.txHash}</span>}
            {chain.outbox.lastError && (
              <span className="text-red-800"> · {chain.outbox.lastError}</span>
            )}
          </p>
        ) : (
          <p className="text-slate-500">Not published yet.</p>
        )}
      </section>
      <section className="card space-y-2 text-sm" data-testid="purpose-check">
        <h2 className="font-semibold">Is my purpose permitted? (asked of the contract now)</h2>
        <ul className="grid gap-1 sm:grid-cols-2">
          {PURPOSES.map((purpose) => {
            const isAllowed = chain.permittedPurposes.includes(purpose.key);
            return (
              <li key={purpose.key} className={isAllowed ? "text-emerald-800" : "text-slate-500"}>
                {isAllowed ? "✓" : "✗"} {purpose.label}
              </li>
            );
          })}
        </ul>
      </section>
      {listing.report !== null && (
        <details className="card text-sm">
          <summary className="cursor-pointer font-semibold">
            De-identification report (hash {listing.reportHash?.slice(0, 12)}…)
          </summary>
          {/* It scrolls, so a keyboard must reach it (WCAG 2.1.1), as a named region. */}
          <pre
            className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap text-xs"
            role="region"
            aria-label="De-identification report"
            tabIndex={0}
          >
            {JSON.stringify(listing.report, null, 2)}
          </pre>
        </details>
      )}
      {!listing.isErased &&
        listing.isOwner &&
        listing.status !== "DRAFT" &&
        listing.anchor.status === "CONFIRMED" && (
          <ManageListing
            listingId={listing.id}
            price={listing.price}
            isRevoked={listing.consent?.isRevoked ?? false}
            isSuspended={listing.consent?.isSuspended ?? false}
            isAwaitingReconsent={listing.consent?.isAwaitingReconsent ?? false}
            isUnlisted={listing.status === "UNLISTED"}
          />
        )}
      {listing.isOwner && !listing.isErased && listing.anchor.status !== "PENDING" && (
        <EraseListing listingId={listing.id} />
      )}
    </article>
  );
}
