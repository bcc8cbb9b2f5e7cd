import NextAuth from "next-auth";
import { getAuthOptions } from "~/server/auth";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

function handler(request: Request, context: RouteContext) {
  return (
    NextAuth(getAuthOptions()) as (request: Request, context: RouteContext) => Promise<Response>
  )(request, context);
}

export { handler as GET, handler as POST };
