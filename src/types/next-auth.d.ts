import type { SessionUser } from "~/server/session";

// next-auth's session and JWT carry exactly our SessionUser fields (see src/server/auth.ts).
declare module "next-auth" {
  interface Session {
    user: SessionUser;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: SessionUser["role"];
    walletAddress?: string;
    displayName?: string;
  }
}
