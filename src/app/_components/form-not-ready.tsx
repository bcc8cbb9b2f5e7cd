/** Shown in a form with secrets until the page's script runs; it stays, and says why, without it. */
export function FormNotReady() {
  return (
    <p className="text-sm text-slate-600" role="status">
      Getting the form ready… Signing in needs JavaScript; if this stays, turn it on and reload.
    </p>
  );
}
