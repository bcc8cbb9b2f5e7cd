import "server-only";
/** The purposes live in src/shared (the browser needs them too); re-exported for the services. */
export * from "~/shared/purposes";
