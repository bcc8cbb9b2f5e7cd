import Link from "next/link";

/** An address that leads nowhere (a mistyped link, a listing id that does not exist). */
export default function NotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-slate-700">
        Nothing is at this address. Check the link, or go back to the{" "}
        <Link href="/" className="text-teal-800 underline">
          start page
        </Link>
        .
      </p>
    </div>
  );
}
