"use client";

import { useState } from "react";
import type { TAction } from "~/server/services/actions/registry";
import { api } from "~/trpc/react";
import { signPermit, signTypedData } from "./wallet";

/**
 * Runs a signed on-chain action: prepare the request, sign it (in the browser wallet, or on
 * the server for accounts whose wallet it keeps), submit it. The step is exposed for progress.
 */
export type ActionStep = "idle" | "preparing" | "signing" | "submitting" | "queued";

export function useSignedAction() {
  const prepare = api.actions.prepare.useMutation();
  const submit = api.actions.submit.useMutation();
  const utils = api.useUtils();
  const [step, setStep] = useState<ActionStep>("idle");
  const [error, setError] = useState<string | null>(null);

  async function run(action: TAction): Promise<boolean> {
    setError(null);
    try {
      setStep("preparing");
      let prepared = await prepare.mutateAsync({ action });
      let permitSignature: string | undefined;
      if (!prepared.typedData && prepared.permit) {
        // The call carries a token permit: the wallet signs it first, then the call itself.
        setStep("signing");
        permitSignature = await signPermit(prepared.permit);
        setStep("preparing");
        prepared = await prepare.mutateAsync({
          action,
          permit: { message: prepared.permit.message, signature: permitSignature },
        });
      }
      const typedData = prepared.typedData;
      if (!typedData) throw new Error("The request could not be prepared; try again.");
      setStep("signing");
      const signature = prepared.signsInWallet ? await signTypedData(typedData) : undefined;
      setStep("submitting");
      await submit.mutateAsync({
        action,
        request: typedData.message,
        signature,
        permit: prepared.permit ?? undefined,
        permitSignature,
      });
      setStep("queued");
      await utils.invalidate();
      return true;
    } catch (caught) {
      setError(
        caught instanceof Error ? caught.message : "The action failed; nothing was changed.",
      );
      setStep("idle");
      return false;
    }
  }

  return {
    run,
    step,
    error,
    isBusy: step === "preparing" || step === "signing" || step === "submitting",
  };
}

export const STEP_LABELS: Record<ActionStep, string> = {
  idle: "",
  preparing: "Preparing the request…",
  signing: "Waiting for your signature…",
  submitting: "Queuing it for the chain…",
  queued: "Queued: it will be on chain in a moment.",
};
