import { UnsubscribeForm } from "./unsubscribe-form";

export const dynamic = "force-dynamic";

/** From an email's link; a click confirms, so a mail scanner opening the link changes nothing. */
export default async function UnsubscribePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string }>;
}) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <h1 className="text-2xl font-semibold">Stop notification emails</h1>
      {token ? (
        <UnsubscribeForm token={token} />
      ) : (
        <p className="card text-sm">This link has no token; use the link of a recent email.</p>
      )}
    </div>
  );
}
