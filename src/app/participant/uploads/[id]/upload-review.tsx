"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { ColumnPreview } from "./column-preview";
import { DeidReportCard } from "./deid-report-card";
import { FlaggedTextReview } from "./flagged-text-review";
import { PublishListingForm } from "./publish-listing-form";
import type { KeptValue } from "./review-types";
import { ErrorState, LoadingState } from "../../../_components/page-state";

/**
 * The review of one upload before publishing: what de-identification did, the first rows,
 * the flagged text to keep or withhold, and the consent terms. This page only composes; each
 * part is its own component.
 */
export function UploadReview({ uploadId }: { uploadId: string }) {
  const upload = api.uploads.byId.useQuery({ uploadId });
  const [dropped, setDropped] = useState<string[]>([]);
  const [keptColumns, setKeptColumns] = useState<string[]>([]);
  const [keptValues, setKeptValues] = useState<KeptValue[]>([]);

  if (upload.isPending) return <LoadingState />;
  if (upload.error)
    return <ErrorState message={upload.error.message} onRetry={() => void upload.refetch()} />;
  const { report, columns, preview, flagged } = upload.data;
  const withheld = flagged
    .map((column) => column.column)
    .filter((column) => !keptColumns.includes(column));

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Review: {upload.data.fileName}</h1>
      <DeidReportCard report={report} />
      <ColumnPreview
        columns={columns}
        preview={preview}
        dropped={dropped}
        withheld={withheld}
        keptValues={keptValues}
        onToggle={(column, isKept) =>
          setDropped(isKept ? dropped.filter((item) => item !== column) : [...dropped, column])
        }
      />
      <FlaggedTextReview
        flagged={flagged}
        keptColumns={keptColumns}
        keptValues={keptValues}
        onKeepColumn={(column, isKept) =>
          setKeptColumns(
            isKept ? [...keptColumns, column] : keptColumns.filter((item) => item !== column),
          )
        }
        onKeepValue={(value, isKept) =>
          setKeptValues(
            isKept
              ? [...keptValues, value]
              : keptValues.filter(
                  (item) => item.column !== value.column || item.text !== value.text,
                ),
          )
        }
      />
      {upload.data.listingId ? (
        <p className="card">This upload is already published.</p>
      ) : (
        <PublishListingForm
          uploadId={uploadId}
          dropColumns={dropped}
          keepColumns={keptColumns.filter((column) => !dropped.includes(column))}
          keepValues={keptValues.filter((value) => keptColumns.includes(value.column))}
        />
      )}
    </div>
  );
}
