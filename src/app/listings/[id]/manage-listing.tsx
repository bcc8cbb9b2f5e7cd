"use client";

import { useState } from "react";
import { ActionButton } from "../../_components/action-button";

/** The owner's controls; each is a signed, relayed transaction (no ETH needed). */
export function ManageListing(props: {
  listingId: string;
  price: string;
  isRevoked: boolean;
  isSuspended: boolean;
  isAwaitingReconsent: boolean;
  isUnlisted: boolean;
}) {
  const [price, setPrice] = useState(props.price);
  return (
    <section className="card space-y-3" data-testid="manage-listing">
      <h2 className="font-semibold">Manage</h2>
      <div className="flex flex-wrap items-end gap-3">
        <label className="label">
          Price per use (TSR)
          <input
            className="input"
            inputMode="decimal"
            value={price}
            onChange={(event) => setPrice(event.target.value)}
          />
        </label>
        <ActionButton
          action={{ type: "listing.updatePrice", listingId: props.listingId, price }}
          variant="secondary"
        >
          Update price
        </ActionButton>
      </div>
      {props.isAwaitingReconsent && (
        <p className="text-sm text-amber-800" data-testid="awaiting-reconsent">
          The trial&apos;s protocol was amended. Researchers cannot request or use this listing
          until you consent to the new version on your{" "}
          <a href="/participant/trials" className="underline">
            trials page
          </a>
          ; approvals given before the amendment do not carry over.
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        {(props.isRevoked || props.isSuspended) && (
          <ActionButton
            action={{ type: "listing.grantConsent", listingId: props.listingId }}
            testId="grant-consent"
          >
            Consent again
          </ActionButton>
        )}
        {!props.isRevoked && (
          <ActionButton
            action={{ type: "listing.revokeConsent", listingId: props.listingId }}
            variant="danger"
            confirm="Revoke consent? No request, approval or use will be allowed; consenting again later starts afresh, earlier approvals stay void."
            testId="revoke"
          >
            Revoke consent
          </ActionButton>
        )}
        {!props.isUnlisted && (
          <ActionButton
            action={{ type: "listing.unlist", listingId: props.listingId }}
            variant="secondary"
            confirm="Take this listing off the catalogue?"
          >
            Unlist
          </ActionButton>
        )}
      </div>
    </section>
  );
}
