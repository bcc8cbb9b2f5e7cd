import "server-only";
/**
 * The indexer's word to the catalogue: something it shows changed on chain. This process's
 * next search then reads the change before answering (catalogue/catalogue-sync.ts); other app
 * servers find it within a couple of seconds through the database's change stamps.
 */
export { markCatalogueChanged as invalidateCatalogue } from "./catalogue/catalogue-sync";
