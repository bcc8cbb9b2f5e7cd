"use client";

import { PURPOSES } from "~/shared/purposes";
import {
  MAX_QUERY_LENGTH,
  ZCatalogueFilterSchema,
  type CatalogueSortKey,
  type TCatalogueFilter,
} from "~/shared/catalogue-search";
import type { RouterOutputs } from "~/trpc/react";
import { useDebouncedCommit } from "./use-debounced-commit";

type Facets = RouterOutputs["listings"]["catalogue"]["facets"];

const SORT_LABELS: Record<CatalogueSortKey, string> = {
  newest: "Newest",
  relevance: "Relevance",
  price_asc: "Price, lowest first",
  price_desc: "Price, highest first",
  records_desc: "Most records",
};

const count = (facets: Facets | undefined, value: number | undefined) =>
  facets ? ` (${(value ?? 0).toLocaleString("en-US")})` : "";

/** A text filter that applies itself when typing pauses, and says when its value is not valid. */
function TextFilter(props: {
  label: string;
  name: TextFilterName;
  value: string;
  onCommit: (value: string | undefined) => void;
  type?: "search" | "text";
  inputMode?: "decimal" | "numeric";
  placeholder?: string;
  className?: string;
}) {
  const [text, setText] = useDebouncedCommit(props.value, (value) => {
    const parsed = parse(props.name, value);
    if (parsed.isValid) props.onCommit(parsed.value);
  });
  const parsed = parse(props.name, text.trim());
  const errorId = `${props.name}-error`;
  return (
    <label className={`label ${props.className ?? ""}`}>
      {props.label}
      <input
        className="input"
        name={props.name}
        type={props.type ?? "text"}
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        maxLength={props.name === "query" ? MAX_QUERY_LENGTH : 80}
        value={text}
        aria-invalid={!parsed.isValid}
        aria-describedby={parsed.isValid ? undefined : errorId}
        onChange={(event) => setText(event.target.value)}
      />
      {!parsed.isValid && (
        <span id={errorId} className="text-xs font-normal text-red-800">
          {parsed.message}
        </span>
      )}
    </label>
  );
}

function parse(name: TextFilterName, text: string) {
  if (text === "") return { isValid: true, value: undefined } as const;
  const value = name === "minRecords" ? Number(text) : text;
  const result = ZCatalogueFilterSchema.shape[name].safeParse(value);
  return result.success
    ? ({ isValid: true, value: text } as const)
    : ({
        isValid: false,
        message:
          name === "minRecords"
            ? "Enter a whole number of records"
            : (result.error.issues[0]?.message ?? "Not a valid value"),
      } as const);
}

type TextFilterName = "query" | "condition" | "minPrice" | "maxPrice" | "minRecords";

const toDay = (date: Date | undefined) => (date ? date.toISOString().slice(0, 10) : "");

/** The search box and facets; counts come from the server for the current search. */
export function CatalogueFilters(props: {
  filter: TCatalogueFilter;
  sort: CatalogueSortKey;
  facets: Facets | undefined;
  onFilter: (change: Partial<TCatalogueFilter>) => void;
  onSort: (sort: CatalogueSortKey) => void;
}) {
  const { filter, facets, onFilter } = props;
  return (
    <section
      role="search"
      aria-label="Search the catalogue"
      className="card grid gap-3 sm:grid-cols-4"
      data-testid="catalogue-filters"
    >
      <TextFilter
        label="Search"
        name="query"
        type="search"
        placeholder="e.g. diabetes blood pressure"
        className="sm:col-span-3"
        value={filter.query ?? ""}
        onCommit={(query) => onFilter({ query })}
      />
      <label className="label">
        Sort by
        <select
          className="input"
          value={props.sort}
          onChange={(event) => props.onSort(event.target.value as CatalogueSortKey)}
        >
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="label">
        Allowed purpose
        <select
          className="input"
          value={filter.purpose ?? ""}
          onChange={(event) =>
            onFilter({ purpose: (event.target.value || undefined) as TCatalogueFilter["purpose"] })
          }
        >
          <option value="">Any</option>
          {PURPOSES.map((purpose) => (
            <option key={purpose.key} value={purpose.key}>
              {purpose.label}
              {count(facets, facets?.purpose[purpose.key])}
            </option>
          ))}
        </select>
      </label>
      <label className="label">
        Data type
        <select
          className="input"
          value={filter.dataType ?? ""}
          onChange={(event) =>
            onFilter({
              dataType: (event.target.value || undefined) as TCatalogueFilter["dataType"],
            })
          }
        >
          <option value="">Any</option>
          <option value="CSV">CSV{count(facets, facets?.dataType.CSV)}</option>
          <option value="FHIR">FHIR{count(facets, facets?.dataType.FHIR)}</option>
        </select>
      </label>
      <TextFilter
        label="Condition"
        name="condition"
        value={filter.condition ?? ""}
        onCommit={(condition) => onFilter({ condition })}
      />
      <TextFilter
        label="At least N records"
        name="minRecords"
        inputMode="numeric"
        value={filter.minRecords === undefined ? "" : String(filter.minRecords)}
        onCommit={(value) => onFilter({ minRecords: value ? Number(value) : undefined })}
      />
      <TextFilter
        label="Price from (TSR)"
        name="minPrice"
        inputMode="decimal"
        value={filter.minPrice ?? ""}
        onCommit={(minPrice) => onFilter({ minPrice })}
      />
      <TextFilter
        label="Price to (TSR)"
        name="maxPrice"
        inputMode="decimal"
        value={filter.maxPrice ?? ""}
        onCommit={(maxPrice) => onFilter({ maxPrice })}
      />
      <label className="label">
        Published after
        <input
          className="input"
          type="date"
          value={toDay(filter.publishedAfter)}
          onChange={(event) =>
            onFilter({
              publishedAfter: event.target.value
                ? new Date(`${event.target.value}T00:00:00Z`)
                : undefined,
            })
          }
        />
      </label>
      <label className="label">
        Consent valid until at least
        <input
          className="input"
          type="date"
          value={toDay(filter.consentValidUntil)}
          onChange={(event) =>
            onFilter({
              consentValidUntil: event.target.value
                ? new Date(`${event.target.value}T00:00:00Z`)
                : undefined,
            })
          }
        />
      </label>
    </section>
  );
}
