import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import {
  buildForwardTypedData,
  FORWARD_REQUEST_TYPES,
  recoverForwardSigner,
  toRequestData,
} from "./forward-request";

const forwarder = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("forward requests", () => {
  it("recovers the signer and rejects a signature for another chain or forwarder", async () => {
    const wallet = Wallet.createRandom();
    const message = {
      from: wallet.address,
      to: forwarder,
      value: "0",
      gas: "300000",
      nonce: "0",
      deadline: 2_000_000_000,
      data: "0x1234",
    };
    const typed = buildForwardTypedData(31337, forwarder, message);
    const signature = await wallet.signTypedData(
      typed.domain,
      { ForwardRequest: [...FORWARD_REQUEST_TYPES.ForwardRequest] },
      message,
    );
    expect(recoverForwardSigner(typed, signature)).toBe(wallet.address.toLowerCase());
    expect(recoverForwardSigner(buildForwardTypedData(1, forwarder, message), signature)).not.toBe(
      wallet.address.toLowerCase(),
    );
    expect(
      recoverForwardSigner(
        buildForwardTypedData(31337, forwarder, { ...message, nonce: "1" }),
        signature,
      ),
    ).not.toBe(wallet.address.toLowerCase());
    expect(recoverForwardSigner(typed, "0x1234")).toBeNull();
    expect(toRequestData(message, signature)).not.toHaveProperty("nonce");
  });
});
