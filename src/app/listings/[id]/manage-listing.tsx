"use client";

import { useState } from "react";
import { ActionButton } from "../../_components/action-button";

/** The owner's controls; each is a signed, relayed transaction (no ETH needed). */
export function ManageListing(props: {
  listingId: string;
  price: string;
  isRevoked: boolean;
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
      <div className="flex flex-wrap gap-3">
        {!props.isRevoked && (
          <ActionButton
            action={{ type: "listing.revokeConsent", listingId: props.listingId }}
            variant="danger"
            confirm="Revoke consent? Pending requests will fail and no new request or use will be allowed."
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
