import { openDatabase } from "~/server/db";

/**
 * Listings for the catalogue's browser test, written into the app's database between two
 * starts (the embedded database has one process at a time): 30 spirometry series on asthma,
 * every other one FHIR, and 15 sleep studies, all published a day or more ago so the journeys'
 * own listings come first. They are not on chain; the catalogue reads only the database.
 */
export const SAMPLE = { spirometry: 30, spirometryFhir: 15, sleep: 15 } as const;

export async function seedCatalogueSample(pgliteDir: string): Promise<void> {
  const database = openDatabase({ pgliteDir });
  try {
    await database.rawTransaction((sql) =>
      sql.exec(`
        INSERT INTO "User" (id, role, "displayName", "walletAddress")
        VALUES ('e2e-sample-owner', 'PARTICIPANT', 'Sample participant', '0x5a00000000000000000000000000000000000001');
        INSERT INTO "Listing" (id, "chainKey", "chainSalt", "ownerId", title, description, "dataType", conditions,
                               "searchText", "recordCount", "dataRoot", "priceWei", status, "anchorStatus", "createdAt", "updatedAt")
        SELECT 'e2e-sample-' || g, '0x' || lpad(to_hex(g), 64, 'e'), '0x' || lpad(to_hex(g), 64, '0'), 'e2e-sample-owner',
               CASE WHEN g <= ${SAMPLE.spirometry} THEN 'Spirometry series ' || g ELSE 'Sleep study ' || g END,
               'Sample listing for the catalogue test',
               (CASE WHEN g <= ${SAMPLE.spirometry} AND g % 2 = 0 THEN 'FHIR' ELSE 'CSV' END)::"DataType",
               CASE WHEN g <= ${SAMPLE.spirometry} THEN ARRAY['Asthma'] ELSE ARRAY['Insomnia'] END,
               CASE WHEN g <= ${SAMPLE.spirometry} THEN 'Spirometry series ' || g || ' Asthma' ELSE 'Sleep study ' || g || ' Insomnia' END,
               10 + g, '0x' || lpad(to_hex(g), 64, '0'), (g::numeric * 1000000000000000000), 'ACTIVE', 'CONFIRMED',
               now() - ((1 + g) || ' days')::interval, now()
        FROM generate_series(1, ${SAMPLE.spirometry + SAMPLE.sleep}) g;
        INSERT INTO "ConsentTerms" ("listingId", purposes, "expiresAt", "autoApprove", "termsHash")
        SELECT 'e2e-sample-' || g, 1, now() + interval '365 days', true, '0x' || lpad('0', 64, '0')
        FROM generate_series(1, ${SAMPLE.spirometry + SAMPLE.sleep}) g;`),
    );
  } finally {
    await database.close();
  }
}
