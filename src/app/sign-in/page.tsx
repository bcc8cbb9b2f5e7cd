import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { SignInForms } from "./sign-in-forms";

export default function SignInPage() {
  const demo =
    process.env.SEED_DEMO === "true"
      ? { accounts: DEMO_ACCOUNTS.map((account) => ({ ...account })), password: DEMO_PASSWORD }
      : null;
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      <SignInForms demo={demo} />
    </div>
  );
}
