import { z } from "zod";
import { TRIAL_PHASES } from "./trial-phases";

/**
 * The fields of the trial and enrolment actions: the input of the signed actions and the
 * browser forms' validation, from one schema (as research-output.ts does for results).
 */
export const ZTokenAmountSchema = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter an amount like 100 or 2.5");

/** A protocol document as anchored: its name and keccak256 (the file stays in the browser). */
export const PROTOCOL_FIELDS = {
  protocolDocumentName: z.string().trim().min(1, "Choose the protocol document").max(200),
  protocolHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a keccak256 hash"),
};

const textList = z.array(z.string().trim().min(1).max(120)).max(50);

export const REGISTER_TRIAL_FIELDS = {
  registryId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/, "Use the registry id, e.g. NCT01234567"),
  title: z.string().trim().min(5, "Give the trial a title").max(300),
  phase: z.enum(TRIAL_PHASES),
  conditions: textList.min(1, "Name at least one condition"),
  sites: textList,
};

export const FUND_REWARDS_FIELDS = {
  amount: ZTokenAmountSchema,
  perEnrollment: ZTokenAmountSchema,
};

export const ENROLL_FIELDS = {
  code: z.string().trim().min(1, "Enter your invitation code").max(200),
  subjectId: z.string().trim().max(64).optional(),
};
