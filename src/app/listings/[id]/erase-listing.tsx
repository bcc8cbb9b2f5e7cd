"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { ErasureConfirm } from "../../_components/erasure-confirm";

/** The owner's right to erasure for one listing (GDPR Art. 17). */
export function EraseListing({ listingId }: { listingId: string }) {
  const [isOpen, setIsOpen] = useState(false);
  const utils = api.useUtils();
  const erase = api.rights.eraseListing.useMutation({
    onSuccess: async () => {
      setIsOpen(false);
      await utils.invalidate();
    },
  });
  return (
    <section className="card space-y-3" data-testid="erase-listing">
      <h2 className="font-semibold">Erase this listing</h2>
      {isOpen ? (
        <ErasureConfirm
          listingId={listingId}
          what="this listing"
          isBusy={erase.isPending}
          error={erase.error?.message ?? null}
          onConfirm={() => erase.mutate({ listingId, confirm: true })}
          onCancel={() => setIsOpen(false)}
        />
      ) : (
        <button type="button" className="btn-secondary" onClick={() => setIsOpen(true)}>
          Erase this listing…
        </button>
      )}
    </section>
  );
}
