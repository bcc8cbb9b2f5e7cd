import { notFound } from "next/navigation";
import { readCaughtMail } from "~/server/services/dev-mail/read-caught-mail";

export const dynamic = "force-dynamic";

/** Development only: the emails the app sent, as `npm run dev`'s local mail catcher got them. */
export default async function DevMailPage() {
  const mails = await readCaughtMail();
  if (mails === null) notFound();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-2xl font-semibold">Mail caught in development</h1>
      <p className="text-sm text-slate-600">
        Emails the app sent through the local mail catcher of <code>npm run dev</code>; nothing
        leaves this machine.
      </p>
      {mails.length === 0 && <p className="card text-sm">No email yet.</p>}
      {mails.map((mail) => (
        <article key={mail.name} className="card space-y-2" data-testid="caught-mail">
          <h2 className="font-semibold">{mail.subject}</h2>
          <p className="text-xs text-slate-500">
            to {mail.to} · {mail.date}
          </p>
          <pre className="text-sm whitespace-pre-wrap">{mail.text}</pre>
        </article>
      ))}
    </div>
  );
}
