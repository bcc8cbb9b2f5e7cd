import { existsSync } from "node:fs";
import path from "node:path";

/** Real Synthea output shipped beside the project in ../shared/data (see its SOURCE.md). */
export const SYNTHEA_DIR = path.resolve(import.meta.dirname, "../../../shared/data/synthea");

export function syntheaFile(relative: string): string {
  const file = path.join(SYNTHEA_DIR, relative);
  if (!existsSync(file))
    throw new Error(`Synthea test data missing: ${file} (../shared must sit beside the project)`);
  return file;
}
