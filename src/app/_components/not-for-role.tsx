export function NotForRole({ what }: { what: string }) {
  return (
    <p role="alert" className="card text-slate-700">
      {what} is not available to your account&apos;s role.
    </p>
  );
}
