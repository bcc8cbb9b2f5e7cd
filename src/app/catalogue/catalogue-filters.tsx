"use client";

import { useState, type FormEvent } from "react";
import { PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import type { RouterInputs, RouterOutputs } from "~/trpc/react";

export type CatalogueFilter = NonNullable<RouterInputs["listings"]["catalogue"]["filter"]>;
export type CatalogueSort = NonNullable<RouterInputs["listings"]["catalogue"]["sort"]>;
type Facets = RouterOutputs["listings"]["catalogue"]["facets"];

/** The search box and facets; counts come from the server for the current search. */
export function CatalogueFilters(props: {
  facets: Facets | undefined;
  onApply: (filter: CatalogueFilter, sort: CatalogueSort) => void;
}) {
  const [form, setForm] = useState({
    query: "",
    condition: "",
    dataType: "",
    purpose: "",
    minPrice: "",
    maxPrice: "",
    minRecords: "",
    publishedAfter: "",
    consentValidUntil: "",
    sort: "newest" as CatalogueSort,
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    props.onApply(
      {
        query: form.query.trim() || undefined,
        condition: form.condition.trim() || undefined,
        dataType: (form.dataType || undefined) as CatalogueFilter["dataType"],
        purpose: (form.purpose || undefined) as PurposeKey | undefined,
        minPrice: form.minPrice || undefined,
        maxPrice: form.maxPrice || undefined,
        minRecords: form.minRecords ? Number(form.minRecords) : undefined,
        publishedAfter: form.publishedAfter ? new Date(form.publishedAfter) : undefined,
        consentValidUntil: form.consentValidUntil ? new Date(form.consentValidUntil) : undefined,
      },
      form.sort,
    );
  }

  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) =>
      setForm({ ...form, [name]: event.target.value }),
  });

  return (
    <form
      className="card grid gap-3 sm:grid-cols-4"
      onSubmit={apply}
      data-testid="catalogue-filters"
    >
      <label className="label sm:col-span-3">
        Search
        <input
          className="input"
          type="search"
          placeholder="e.g. diabetes blood pressure"
          {...field("query")}
        />
      </label>
      <label className="label">
        Sort by
        <select className="input" {...field("sort")}>
          <option value="newest">Newest</option>
          <option value="relevance">Relevance</option>
          <option value="price_asc">Price, lowest first</option>
          <option value="price_desc">Price, highest first</option>
          <option value="records_desc">Most records</option>
        </select>
      </label>
      <label className="label">
        Allowed purpose
        <select className="input" {...field("purpose")}>
          <option value="">Any</option>
          {PURPOSES.map((purpose) => (
            <option key={purpose.key} value={purpose.key}>
              {purpose.label} {props.facets ? `(${props.facets.purpose[purpose.key] ?? 0})` : ""}
            </option>
          ))}
        </select>
      </label>
      <label className="label">
        Data type
        <select className="input" {...field("dataType")}>
          <option value="">Any</option>
          <option value="CSV">CSV {props.facets ? `(${props.facets.dataType.CSV})` : ""}</option>
          <option value="FHIR">FHIR {props.facets ? `(${props.facets.dataType.FHIR})` : ""}</option>
        </select>
      </label>
      <label className="label">
        Condition
        <input className="input" {...field("condition")} />
      </label>
      <label className="label">
        At least N records
        <input className="input" type="number" min={0} {...field("minRecords")} />
      </label>
      <label className="label">
        Price from (TSR)
        <input className="input" inputMode="decimal" {...field("minPrice")} />
      </label>
      <label className="label">
        Price to (TSR)
        <input className="input" inputMode="decimal" {...field("maxPrice")} />
      </label>
      <label className="label">
        Published after
        <input className="input" type="date" {...field("publishedAfter")} />
      </label>
      <label className="label">
        Consent valid until at least
        <input className="input" type="date" {...field("consentValidUntil")} />
      </label>
      <div className="sm:col-span-4">
        <button type="submit" className="btn">
          Search
        </button>
      </div>
    </form>
  );
}
