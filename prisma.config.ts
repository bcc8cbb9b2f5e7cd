import { defineConfig } from "prisma/config";

// Prisma 7 reads the schema location here. Migrations are applied by the project's own runner
// (src/server/migrate.ts), so no datasource URL is needed for `prisma generate`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
