"use client";

import { useState } from "react";
import { api } from "~/trpc/react";

/**
 * What an erasure will do, said before the user confirms (delivered records stay under their
 * data-use terms; a pending payment blocks it), then the confirmation itself.
 */
export function ErasureConfirm(props: {
  listingId?: string;
  what: string;
  isBusy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const preview = api.rights.describeErasure.useQuery({ listingId: props.listingId });
  const [isUnderstood, setIsUnderstood] = useState(false);
  if (preview.isPending) return <p className="text-sm text-slate-600">Checking what it affects…</p>;
  if (preview.error)
    return (
      <p role="alert" className="text-sm text-red-800">
        {preview.error.message}
      </p>
    );
  const info = preview.data;
  return (
    <div
      className="space-y-3 rounded-md border border-red-200 bg-red-50 p-4 text-sm"
      data-testid="erasure-confirm"
    >
      <p>
        Erasing {props.what} revokes consent and unlists on chain, and destroys the keys of the
        data, so nothing we hold can read it again. What stays on chain (hashes, roots) then links
        to nothing. This cannot be undone.
      </p>
      <p data-testid="erasure-delivered">{info.deliveredNotice}</p>
      {info.blockedBy ? (
        <p role="alert" className="text-red-800" data-testid="erasure-blocked">
          {info.blockedBy}
        </p>
      ) : (
        <>
          <label className="flex items-start gap-2">
            <input
              type="checkbox"
              checked={isUnderstood}
              onChange={(event) => setIsUnderstood(event.target.checked)}
              data-testid="erasure-understood"
            />
            <span>
              I understand that this is permanent and that delivered records stay with their
              researchers under their terms.
            </span>
          </label>
          <div className="flex flex-wrap items-center gap-3">
            <button
              type="button"
              className="btn bg-red-700 hover:bg-red-800"
              disabled={!isUnderstood || props.isBusy}
              onClick={props.onConfirm}
              data-testid="erasure-confirm-button"
            >
              {props.isBusy ? "Erasing…" : "Erase permanently"}
            </button>
            <button type="button" className="btn-secondary" onClick={props.onCancel}>
              Cancel
            </button>
          </div>
        </>
      )}
      {props.error && (
        <p role="alert" className="text-red-800">
          {props.error}
        </p>
      )}
    </div>
  );
}
