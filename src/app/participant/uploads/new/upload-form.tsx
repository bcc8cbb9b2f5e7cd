"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "~/shared/uploads";
import { Field, Form, FormAlert } from "../../../_components/form";

/** The one file chosen (react-hook-form holds the input's FileList), within the server's limit. */
const ZUploadFormSchema = z.object({
  file: z.custom<FileList | undefined>().transform((files, context) => {
    const file = files?.[0];
    if (!file) {
      context.addIssue({ code: "custom", message: "Choose a .csv or FHIR .json file." });
      return z.NEVER;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      const megabytes = (file.size / 1024 / 1024).toFixed(1);
      context.addIssue({
        code: "custom",
        message: `This file is ${megabytes} MB; the limit is ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`,
      });
      return z.NEVER;
    }
    return file;
  }),
});

type Progress = { label: string; percent: number };

/** Sends the file with upload progress, then reads the server's processing progress (NDJSON). */
function uploadFile(file: File, onProgress: (progress: Progress) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/uploads");
    request.setRequestHeader("content-type", "application/octet-stream");
    request.setRequestHeader("x-file-name", encodeURIComponent(file.name));
    request.upload.onprogress = (event) => {
      if (event.lengthComputable)
        onProgress({ label: "Uploading", percent: Math.round((100 * event.loaded) / event.total) });
    };
    let seen = 0;
    const readEvents = () => {
      const lines = request.responseText.slice(seen).split("\n");
      const complete = lines.slice(0, -1);
      seen += complete.reduce((sum, line) => sum + line.length + 1, 0);
      for (const line of complete) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as {
          type: string;
          phase?: string;
          percent?: number;
          uploadId?: string;
          message?: string;
        };
        if (event.type === "progress")
          onProgress({
            label: event.phase === "reading names" ? "Checking the file" : "De-identifying",
            percent: event.percent ?? 0,
          });
        if (event.type === "done" && event.uploadId) resolve(event.uploadId);
        if (event.type === "error") reject(new Error(event.message ?? "The upload failed."));
      }
    };
    request.onprogress = readEvents;
    request.onload = () => {
      if (request.status !== 200) {
        try {
          reject(
            new Error(
              (JSON.parse(request.responseText) as { message?: string }).message ??
                "The upload failed.",
            ),
          );
        } catch {
          reject(new Error(`The upload failed (${request.status}).`));
        }
        return;
      }
      readEvents();
    };
    request.onerror = () =>
      reject(new Error("The connection was lost during the upload; try again."));
    request.send(file);
  });
}

export function UploadForm() {
  const router = useRouter();
  const form = useForm({ resolver: zodResolver(ZUploadFormSchema) });
  const files = useWatch({ control: form.control, name: "file" });
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload({ file }: z.output<typeof ZUploadFormSchema>) {
    setError(null);
    try {
      const uploadId = await uploadFile(file, setProgress);
      router.push(`/participant/uploads/${uploadId}`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The upload failed.");
      setProgress(null);
    }
  }

  // The form stays locked from the upload until the review page opens.
  return (
    <Form form={form} onSubmit={upload} isBusy={progress !== null} className="card space-y-4">
      <FormAlert message={error} />
      <Field name="file" label="File (.csv or FHIR .json)">
        {(control) => (
          <input
            className="mt-1 block text-sm"
            type="file"
            accept=".csv,.json,text/csv,application/json"
            {...control}
            {...form.register("file")}
          />
        )}
      </Field>
      <button type="submit" className="btn" disabled={!files?.length}>
        Upload and de-identify
      </button>
      {progress && (
        <div aria-live="polite" data-testid="upload-progress">
          <p className="text-sm text-slate-700">
            {progress.label}… {progress.percent}%
          </p>
          <div className="mt-1 h-2 w-full rounded bg-slate-200">
            <div className="h-2 rounded bg-teal-600" style={{ width: `${progress.percent}%` }} />
          </div>
        </div>
      )}
    </Form>
  );
}
