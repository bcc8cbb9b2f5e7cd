import { requireRole } from "../_components/require-role";
import { ChangePasswordForm } from "./change-password-form";
import { MyData } from "./my-data";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const { user } = await requireRole();
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <p className="text-sm text-slate-600">
        Signed in as {user.displayName} ({user.role.toLowerCase()}), wallet{" "}
        <code>{user.walletAddress}</code>.
      </p>
      <ChangePasswordForm />
      <MyData canErase={user.role === "PARTICIPANT"} />
    </div>
  );
}
