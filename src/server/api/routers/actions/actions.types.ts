import "server-only";
import { z } from "zod";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "must be 0x-prefixed hex");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address");
const uint = z.string().regex(/^\d+$/);
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature");
const domain = z.object({
  name: z.string(),
  version: z.string(),
  chainId: z.number(),
  verifyingContract: z.string(),
});
const field = z.object({ name: z.string(), type: z.string() });

export const ZForwardRequestSchema = z.object({
  from: address,
  to: address,
  value: uint,
  gas: uint,
  nonce: uint,
  deadline: z.number().int().positive(),
  data: hex,
});

export const ZForwardTypedDataSchema = z.object({
  domain,
  types: z.object({ ForwardRequest: z.array(field).readonly() }),
  primaryType: z.literal("ForwardRequest"),
  message: ZForwardRequestSchema,
});

export const ZPermitTypedDataSchema = z.object({
  domain,
  types: z.object({ Permit: z.array(field).readonly() }),
  primaryType: z.literal("Permit"),
  message: z.object({
    owner: address,
    spender: address,
    value: uint,
    nonce: uint,
    deadline: z.number().int().positive(),
  }),
});

/** `typedData` is null while a wallet user has still to sign the permit the call will carry. */
export const ZPreparedActionSchema = z.object({
  typedData: ZForwardTypedDataSchema.nullable(),
  permit: ZPermitTypedDataSchema.nullable(),
  signsInWallet: z.boolean(),
});

export const ZSignedPermitSchema = z.object({
  message: ZPermitTypedDataSchema.shape.message,
  signature,
});

export const ZSignedSchema = z.object({
  request: ZForwardRequestSchema,
  signature: signature.optional(),
  permit: ZPermitTypedDataSchema.optional(),
  permitSignature: signature.optional(),
});
