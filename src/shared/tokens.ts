import { formatUnits } from "ethers";

/** Token amounts for people: 18 decimals, trailing zeros dropped. */
export function formatTokens(wei: string | bigint): string {
  return formatUnits(wei, 18).replace(/\.0$/, "");
}
