import { getBytes, Wallet } from "ethers";
import type { Page } from "playwright-core";

/**
 * An EIP-1193 wallet injected into the page: window.ethereum forwards each request to this
 * Node process, where a real ethers Wallet signs. Enough of the API for SIWE and EIP-712.
 */
export async function injectTestWallet(page: Page, privateKey: string, chainId: number) {
  const wallet = new Wallet(privateKey);
  await page.exposeFunction("__testWalletRequest", async (method: string, params: unknown[]) => {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [wallet.address];
      case "eth_chainId":
        return `0x${chainId.toString(16)}`;
      case "net_version":
        return String(chainId);
      case "personal_sign":
        return wallet.signMessage(getBytes(params[0] as string));
      case "eth_signTypedData_v4": {
        const typed = JSON.parse(params[1] as string) as {
          domain: Record<string, unknown>;
          types: Record<string, { name: string; type: string }[]>;
          message: Record<string, unknown>;
        };
        const { EIP712Domain: _domain, ...types } = typed.types;
        return wallet.signTypedData(typed.domain, types, typed.message);
      }
      default:
        throw new Error(`test wallet does not support ${method}`);
    }
  });
  await page.addInitScript(() => {
    const bridge = (
      window as unknown as {
        __testWalletRequest: (method: string, params: unknown[]) => Promise<unknown>;
      }
    ).__testWalletRequest;
    (window as unknown as { ethereum: unknown }).ethereum = {
      request: ({ method, params }: { method: string; params?: unknown[] }) =>
        bridge(method, params ?? []),
      on: () => undefined,
      removeListener: () => undefined,
    };
  });
  return wallet;
}
