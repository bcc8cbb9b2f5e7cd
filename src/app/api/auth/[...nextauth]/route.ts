import NextAuth from "next-auth";
import { getAuthOptions } from "~/server/auth";
import { assertSameOriginWrite } from "~/server/request-guards";
import { errorResponse } from "../../route-guard";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

function handler(request: Request, context: RouteContext) {
  // next-auth checks its CSRF token on sign-in and sign-out; the origin check comes first.
  try {
    assertSameOriginWrite(request);
  } catch (error) {
    return errorResponse(error);
  }
  return (
    NextAuth(getAuthOptions()) as (request: Request, context: RouteContext) => Promise<Response>
  )(request, context);
}

export { handler as GET, handler as POST };
