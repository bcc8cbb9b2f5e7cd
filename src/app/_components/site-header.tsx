import Link from "next/link";
import type { SessionUser } from "~/server/session";
import { NotificationBell } from "./notification-bell";
import { SignOutButton } from "./sign-out-button";

const NAV: Record<SessionUser["role"], { href: string; label: string }[]> = {
  PARTICIPANT: [
    { href: "/participant/trials", label: "Trials" },
    { href: "/participant/uploads/new", label: "Share data" },
    { href: "/participant/listings", label: "My listings" },
    { href: "/participant/requests", label: "Requests" },
    { href: "/participant/ledger", label: "Ledger" },
  ],
  RESEARCHER: [
    { href: "/catalogue", label: "Catalogue" },
    { href: "/researcher/requests", label: "My requests" },
  ],
  SPONSOR: [
    { href: "/sponsor", label: "My trials" },
    { href: "/catalogue", label: "Catalogue" },
    { href: "/audit", label: "Audit" },
  ],
  AUDITOR: [
    { href: "/catalogue", label: "Catalogue" },
    { href: "/audit", label: "Audit" },
  ],
};

export function SiteHeader({ user }: { user: SessionUser | null }) {
  // On a phone the links take a row of their own under the name and the account.
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-teal-800">
          TrialShare
        </Link>
        {user && (
          <nav
            aria-label="Main"
            className="order-last flex w-full gap-4 overflow-x-auto text-sm sm:order-none sm:w-auto"
          >
            {NAV[user.role].map((item) => (
              <Link
                key={item.href}
                href={item.href}
                className="whitespace-nowrap text-slate-700 hover:text-teal-800"
              >
                {item.label}
              </Link>
            ))}
          </nav>
        )}
        <div className="ml-auto flex min-w-0 items-center gap-3 text-sm">
          {user ? (
            <>
              <span
                className="max-w-40 truncate text-slate-600 md:max-w-none"
                title={`${user.displayName} · ${user.role.toLowerCase()}`}
                data-testid="signed-in-as"
              >
                {user.displayName} · {user.role.toLowerCase()}
              </span>
              <NotificationBell />
              <Link href="/account" className="text-slate-700 hover:text-teal-800">
                Account
              </Link>
              <SignOutButton />
            </>
          ) : (
            <Link href="/sign-in" className="btn-secondary">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
