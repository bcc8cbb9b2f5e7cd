import Link from "next/link";
import { getSession } from "~/server/auth";

const HOME: Record<string, string> = {
  PARTICIPANT: "/participant/listings",
  RESEARCHER: "/catalogue",
  SPONSOR: "/catalogue",
  AUDITOR: "/catalogue",
};

export default async function HomePage() {
  const session = await getSession();
  return (
    <div className="space-y-8">
      <section className="space-y-3">
        <h1 className="text-3xl font-semibold">
          Trial data, shared on the participant&apos;s terms
        </h1>
        <p className="max-w-2xl text-slate-700">
          Participants publish de-identified datasets with consent and reward terms anchored on an
          EVM chain. Researchers request access for a stated purpose; every use is recorded on
          chain, so sponsors and auditors can verify that data was used only as consented and never
          altered.
        </p>
        {session ? (
          <Link className="btn" href={HOME[session.user.role] ?? "/"}>
            Continue as {session.user.displayName}
          </Link>
        ) : (
          <Link className="btn" href="/sign-in">
            Sign in
          </Link>
        )}
      </section>
      <section className="grid gap-4 sm:grid-cols-2">
        {[
          [
            "Participants",
            "Publish your own trial data with the purposes you allow, a price, and an expiry. Revoke at any time.",
          ],
          [
            "Researchers",
            "Find datasets by trial and condition, request access with a research plan, and receive verifiable extracts.",
          ],
          [
            "Sponsors",
            "Register trials with an anchored protocol, and watch enrolment and data use.",
          ],
          ["Auditors", "Recompute dataset roots and consent checks from the chain alone."],
        ].map(([title, text]) => (
          <div key={title} className="card">
            <h2 className="font-semibold">{title}</h2>
            <p className="mt-1 text-sm text-slate-600">{text}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
