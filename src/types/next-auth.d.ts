import type { SessionUser } from "~/server/session";

// next-auth's session and JWT carry exactly our SessionUser fields (see src/server/auth.ts).
declare module "next-auth" {
  // Module augmentation merges only with an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Session {
    user: SessionUser;
  }
}

declare module "next-auth/jwt" {
  // Module augmentation merges only with an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface JWT {
    role?: SessionUser["role"];
    walletAddress?: string;
    displayName?: string;
    /** The user's session version at sign-in (services/users/session-version.ts). */
    sessionVersion?: number;
  }
}
