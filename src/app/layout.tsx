import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import type { ReactNode } from "react";
import { getSession } from "~/server/auth";
import { TRPCReactProvider } from "~/trpc/react";
import { AuthProvider } from "./_components/auth-provider";
import { SiteHeader } from "./_components/site-header";
import "./globals.css";

// A local copy from @fontsource: next/font/google would fetch at build time.
const inter = localFont({
  src: "../../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  display: "swap",
});

export const metadata: Metadata = {
  title: "TrialShare",
  description: "Clinical-trial data shared on the participant's terms, verifiable on chain.",
  // The files are in public/ (scripts/make-icons.ts draws the PNG and ICO ones).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "16x16 32x32 48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
};

export const viewport: Viewport = { themeColor: "#115e59" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <AuthProvider>
          <TRPCReactProvider>
            <SiteHeader user={session?.user ?? null} />
            <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
          </TRPCReactProvider>
        </AuthProvider>
      </body>
    </html>
  );
}
