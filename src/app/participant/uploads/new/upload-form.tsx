"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

const MAX_BYTES = 50 * 1024 * 1024;

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
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setError(null);
    if (file.size > MAX_BYTES) {
      setError(`This file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 50 MB.`);
      return;
    }
    try {
      const uploadId = await uploadFile(file, setProgress);
      router.push(`/participant/uploads/${uploadId}`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The upload failed.");
      setProgress(null);
    }
  }

  return (
    <form className="card space-y-4" onSubmit={(event) => void submit(event)}>
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {error}
        </p>
      )}
      <label className="label">
        File (.csv or FHIR .json)
        <input
          className="mt-1 block text-sm"
          type="file"
          name="file"
          accept=".csv,.json,text/csv,application/json"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" className="btn" disabled={!file || progress !== null}>
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
    </form>
  );
}
