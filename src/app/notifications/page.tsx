import { requireRole } from "../_components/require-role";
import { NotificationPreferencesForm } from "./notification-preferences-form";
import { NotificationsList } from "./notifications-list";

export const dynamic = "force-dynamic";

export default async function NotificationsPage() {
  await requireRole();
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Notifications</h1>
      <NotificationsList />
      <NotificationPreferencesForm />
    </div>
  );
}
