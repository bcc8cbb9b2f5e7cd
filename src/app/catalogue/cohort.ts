"use client";

import { useState } from "react";
import type { RouterOutputs } from "~/trpc/react";

export type CatalogueItem = RouterOutputs["listings"]["catalogue"]["items"][number];

/**
 * The cohort being built: listings chosen on any page (or all results at once), kept with what
 * the request form needs to show the cost and what consent allows.
 */
export function useCohort() {
  const [chosen, setChosen] = useState<Map<string, CatalogueItem | null>>(new Map());
  return {
    ids: [...chosen.keys()],
    items: [...chosen.values()].filter((item): item is CatalogueItem => item !== null),
    has: (id: string) => chosen.has(id),
    toggle: (item: CatalogueItem, isChecked: boolean) =>
      setChosen((current) => {
        const next = new Map(current);
        if (isChecked) next.set(item.id, item);
        else next.delete(item.id);
        return next;
      }),
    /** Ids from "add all results": their details arrive when their page is seen. */
    addIds: (ids: string[]) =>
      setChosen((current) => {
        const next = new Map(current);
        for (const id of ids) if (!next.has(id)) next.set(id, null);
        return next;
      }),
  };
}
