"use client";

import { useFormContext, useWatch, type Path } from "react-hook-form";
import { Field, TextField } from "../../../../_components/form";
import type { CatalogueEntry, TAnalysisFormInput } from "./analysis-form-schema";

type TermPath = "outcome" | `by.${number}` | `covariates.${number}`;

/**
 * One variable of an analysis: chosen from the cohort's catalogue only, then its levels (a
 * category; declared by the researcher, never read from the data) or its range (a measurement;
 * empty means the cohort's plausible range).
 */
export function TermFields({
  name,
  label,
  catalogue,
  only,
  onRemove,
}: {
  name: TermPath;
  label: string;
  catalogue: readonly CatalogueEntry[];
  only?: CatalogueEntry["type"];
  onRemove?: () => void;
}) {
  const { register, control } = useFormContext<TAnalysisFormInput>();
  const chosen = useWatch({ control, name: `${name}.variable` as Path<TAnalysisFormInput> });
  const entry = catalogue.find((candidate) => candidate.name === chosen);
  const offered = catalogue.filter((candidate) => !only || candidate.type === only);
  const field = (part: "variable" | "levels" | "min" | "max") =>
    `${name}.${part}` as Path<TAnalysisFormInput>;
  return (
    <div className="grid gap-2 rounded-md border border-slate-200 p-2 sm:grid-cols-[1fr_2fr_auto]">
      <Field<TAnalysisFormInput> name={field("variable")} label={label}>
        {(props) => (
          <select className="input" {...props} {...register(field("variable"))}>
            <option value="">Choose…</option>
            {offered.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name} ({candidate.type === "numeric" ? "measurement" : "category"})
              </option>
            ))}
          </select>
        )}
      </Field>
      {entry?.type === "categorical" && (
        <TextField<TAnalysisFormInput>
          name={field("levels")}
          label={`Levels of ${entry.name}`}
          hint="Separated by commas; other values count as 'other'."
          placeholder="A, B"
        />
      )}
      {entry?.type === "numeric" && (
        <div className="grid grid-cols-2 gap-2">
          <TextField<TAnalysisFormInput>
            name={field("min")}
            label="From"
            inputMode="decimal"
            placeholder={String(entry.plausible?.min ?? "")}
            hint={`Within ${entry.plausible?.min}–${entry.plausible?.max}; values outside are clamped.`}
          />
          <TextField<TAnalysisFormInput>
            name={field("max")}
            label="To"
            inputMode="decimal"
            placeholder={String(entry.plausible?.max ?? "")}
          />
        </div>
      )}
      {!entry && <span />}
      {onRemove && (
        <button type="button" className="btn-secondary self-end" onClick={onRemove}>
          Remove
        </button>
      )}
    </div>
  );
}
