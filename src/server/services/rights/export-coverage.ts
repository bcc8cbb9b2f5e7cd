import { EXPORT_COVERAGE, NOT_EXPORTED } from "./export-my-data";

/**
 * Which tables of the data model the export does not account for. A table holds a user's data
 * when it relates to User or carries a user's id (`USER_KEY_FIELDS`); such a table must be
 * exported. Every other table must at least be listed, with the reason, in `NOT_EXPORTED`, so a
 * new table is a decision someone makes, never an omission.
 */
export const USER_KEY_FIELDS = [
  "userId",
  "ownerId",
  "participantId",
  "researcherId",
  "sponsorId",
  "actorId",
];

export type DataModel = Record<string, { fields: { name: string; kind: string; type: string }[] }>;

export function findUncoveredModels(models: DataModel): { model: string; problem: string }[] {
  const exported = new Set<string>(Object.keys(EXPORT_COVERAGE));
  const excused = new Set<string>(Object.keys(NOT_EXPORTED));
  const problems: { model: string; problem: string }[] = [];
  for (const [name, model] of Object.entries(models)) {
    const holdsUserData = model.fields.some(
      (field) =>
        (field.kind === "object" && field.type === "User") ||
        (field.kind === "scalar" && USER_KEY_FIELDS.includes(field.name)),
    );
    if (holdsUserData && !exported.has(name))
      problems.push({ model: name, problem: "holds a user's data but is not in the export" });
    else if (!exported.has(name) && !excused.has(name))
      problems.push({ model: name, problem: "neither exported nor listed in NOT_EXPORTED" });
  }
  for (const name of [...exported, ...excused])
    if (!(name in models))
      problems.push({ model: name, problem: "named by the export but not in the data model" });
  return problems;
}
