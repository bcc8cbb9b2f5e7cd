import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../_components/not-for-role";
import { requireRole } from "../_components/require-role";
import { RegisterTrialForm } from "./register-trial-form";
import { SponsorTrials } from "./sponsor-trials";

export default async function SponsorPage() {
  const { isAllowed } = await requireRole("SPONSOR");
  if (!isAllowed) return <NotForRole what="Sponsor trials" />;
  await prefetch.trials.mine.prefetch();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your trials</h1>
      <HydrateClient>
        <SponsorTrials />
      </HydrateClient>
      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">Register a trial</h2>
        <p className="max-w-2xl text-sm text-slate-600">
          The protocol document stays with you: its keccak256 hash is computed in your browser and
          anchored on chain, so anyone holding the document can prove which version participants
          consented to.
        </p>
        <RegisterTrialForm />
      </section>
    </div>
  );
}
