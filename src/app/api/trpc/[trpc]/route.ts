import { handleTrpcRequest } from "~/server/api/http-handler";

export const dynamic = "force-dynamic";

export { handleTrpcRequest as GET, handleTrpcRequest as POST };
