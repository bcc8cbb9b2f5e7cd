import "server-only";
import { z } from "zod";
import { findMyUploads, getUpload } from "~/server/services/uploads/get-upload";
import { createTRPCRouter, participantProcedure } from "../../trpc";

const ZReportSchema = z.object({
  method: z.string(),
  format: z.enum(["csv", "fhir"]),
  rowsIn: z.number(),
  rowsOut: z.number(),
  columnsIn: z.array(z.string()),
  columnsOut: z.array(z.string()),
  removedColumns: z.array(z.object({ column: z.string(), type: z.string() })),
  generalizedColumns: z.array(z.object({ column: z.string(), rule: z.string() })),
  findings: z.array(
    z.object({ type: z.string(), column: z.string(), action: z.string(), count: z.number() }),
  ),
  droppedRows: z.object({
    count: z.number(),
    examples: z.array(z.object({ line: z.number(), reason: z.string() })),
  }),
  notes: z.array(z.string()),
  columns: z
    .array(
      z.object({ column: z.string(), class: z.string(), action: z.string(), reason: z.string() }),
    )
    .optional(),
  flagged: z
    .array(z.object({ column: z.string(), type: z.string(), count: z.number() }))
    .optional(),
  dates: z
    .array(
      z.object({ column: z.string(), order: z.string(), century: z.string(), removed: z.number() }),
    )
    .optional(),
  longValues: z.number().optional(),
  headersRewritten: z.number().optional(),
});

/** A cell of the preview: plain parts and flagged parts (type set), in order. */
const ZPreviewPartSchema = z.object({ text: z.string(), type: z.string().nullable() });

const ZFlaggedColumnSchema = z.object({
  column: z.string(),
  count: z.number(),
  isTruncated: z.boolean(),
  values: z.array(
    z.object({
      text: z.string(),
      type: z.string(),
      count: z.number(),
      examples: z.array(z.object({ before: z.string(), after: z.string() })),
    }),
  ),
});

/** Uploads are created by POST /api/uploads (a file stream with progress); these read them. */
export const uploadsRouter = createTRPCRouter({
  mine: participantProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          fileName: z.string(),
          format: z.enum(["CSV", "FHIR"]),
          status: z.enum(["READY", "PUBLISHED"]),
          rowCount: z.number(),
          createdAt: z.date(),
        }),
      ),
    )
    .query(({ ctx }) => findMyUploads({ db: ctx.db, ownerId: ctx.session.user.id })),

  byId: participantProcedure
    .input(z.object({ uploadId: z.string().min(1).max(64) }))
    .output(
      z.object({
        id: z.string(),
        fileName: z.string(),
        format: z.enum(["CSV", "FHIR"]),
        status: z.enum(["READY", "PUBLISHED"]),
        columns: z.array(z.string()),
        rowCount: z.number(),
        report: ZReportSchema,
        preview: z.array(z.array(z.array(ZPreviewPartSchema))),
        flagged: z.array(ZFlaggedColumnSchema),
        listingId: z.string().nullable(),
        createdAt: z.date(),
      }),
    )
    .query(({ ctx, input }) =>
      getUpload({ db: ctx.db, ownerId: ctx.session.user.id, uploadId: input.uploadId }),
    ),
});
