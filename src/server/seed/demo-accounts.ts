import "server-only";
/**
 * Demo accounts, listed in README; seeded only when SEED_DEMO=true (npm run dev, tests).
 * The wallet participant uses the local Hardhat node's account #2, a publicly known key, so a
 * developer can import it into a browser wallet and sign in with Ethereum.
 */
export const DEMO_PASSWORD = "trialshare-demo";

export const DEMO_ACCOUNTS = [
  {
    role: "PARTICIPANT",
    email: "participant@demo.trialshare.test",
    displayName: "Dana (participant)",
  },
  {
    role: "RESEARCHER",
    email: "researcher@demo.trialshare.test",
    displayName: "Riley (researcher)",
  },
  {
    role: "SPONSOR",
    email: "sponsor@demo.trialshare.test",
    displayName: "Northwind Trials (sponsor)",
  },
  { role: "AUDITOR", email: "auditor@demo.trialshare.test", displayName: "Avery (auditor)" },
] as const;

export const DEMO_WALLET_PARTICIPANT = {
  displayName: "Wallet participant",
  address: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  privateKey: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
} as const;

export const DEMO_TRIAL_REGISTRY_ID = "DEMO-0001";
