import "server-only";
/** Prisma's code for a unique constraint violation, the same on PGlite and PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002"
  );
}
