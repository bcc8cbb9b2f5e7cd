import "server-only";
import type { Role } from "~/server/generated/prisma/enums";

/** What a signed-in session carries: the JWT holds exactly this, and nothing personal. */
export type SessionUser = { id: string; role: Role; walletAddress: string; displayName: string };
export type AppSession = { user: SessionUser } | null;
