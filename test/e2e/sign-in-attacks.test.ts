import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import {
  cookieJar,
  sessionOf,
  signInWithPassword,
  trpcMutation,
  trpcQuery,
  type CookieJar,
} from "./http-client";

/**
 * An attacker against other people's sign-in, over HTTP against `next start`. Each client
 * sends from a loopback address of its own, so the app sees them as different networks.
 */
const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");

let nextHost = 10;
/** A fresh client: a loopback address no other test uses. */
function newClient() {
  nextHost += 1;
  return cookieJar(appUrl, { from: `127.0.${Math.floor(nextHost / 250) + 1}.${nextHost % 250}` });
}

async function registerAccount(client: CookieJar, prefix: string) {
  const email = `${prefix}-${randomBytes(4).toString("hex")}@test.local`;
  const password = `correct horse ${randomBytes(6).toString("hex")}`;
  const registered = await trpcMutation(client, "account.register", {
    email,
    password,
    displayName: prefix,
    role: "RESEARCHER",
  });
  expect(registered.status, JSON.stringify(registered.error)).toBe(200);
  return { email, password };
}

describe.skipIf(Boolean(skipReason))("sign-in under attack", () => {
  it("an attacker's wrong passwords for a victim's email slow the attacker, never lock the victim out", async () => {
    const victim = newClient();
    const { email, password } = await registerAccount(victim, "victim");
    const attacker = newClient();
    // Spaces, a tab, a no-break space and capitals all name the same account.
    const variants = [
      email,
      ` ${email}`,
      `${email} `,
      `\t${email}`,
      `\u00a0${email}`,
      email.toUpperCase(),
      `\u00a0${email.toUpperCase()}\u00a0`,
    ];
    const answers: (string | null)[] = [];
    for (let attempt = 0; attempt < 14; attempt += 1)
      answers.push(
        await signInWithPassword(
          attacker,
          variants[attempt % variants.length]!,
          `guess-${attempt}`,
        ),
      );
    // Five guesses are checked; then the attacker must wait before each next one.
    expect(answers.slice(0, 5)).toEqual(Array(5).fill("Wrong email or password."));
    for (const answer of answers.slice(5))
      expect(answer).toMatch(/^Too many attempts; try again in \d+ seconds?\.$/);
    // Even the right password is not checked for the attacker's client while it waits.
    expect(await signInWithPassword(attacker, email, password)).toMatch(/Too many attempts/);
    expect((await sessionOf(attacker)).user).toBeUndefined();

    // The victim, from their own network, signs in as usual, with their email as they type it.
    expect(await signInWithPassword(victim, ` ${email.toUpperCase()}`, password)).toBeNull();
    expect((await sessionOf(victim)).user?.role).toBe("RESEARCHER");
  });

  it("bounds the guesses of many clients together, and still lets the owner in from a clean client", async () => {
    const owner = newClient();
    const { email, password } = await registerAccount(owner, "target");
    // Twenty-five attacker networks of four checked guesses each reach the account's ceiling
    // (100) without making any one of them wait.
    const attackers = Array.from({ length: 25 }, () => newClient());
    for (const attacker of attackers) {
      for (let attempt = 0; attempt < 4; attempt += 1)
        expect(await signInWithPassword(attacker, email, `spray-${attempt}`)).toBe(
          "Wrong email or password.",
        );
    }
    // Past the ceiling, a client that has guessed wrong is refused without a check; a new
    // network gets one check.
    expect(await signInWithPassword(attackers[0]!, email, "one more")).toMatch(
      /^Too many failed sign-ins for this account; try again in \d+ minutes?\.$/,
    );
    const newcomer = newClient();
    expect(await signInWithPassword(newcomer, email, "first try")).toBe("Wrong email or password.");
    expect(await signInWithPassword(newcomer, email, "second try")).toMatch(/Too many/);
    // The owner has never guessed wrong from their network: they get in.
    expect(await signInWithPassword(owner, email, password)).toBeNull();
    expect((await sessionOf(owner)).user?.role).toBe("RESEARCHER");
  });

  it("ignores X-Forwarded-For written by the client when no proxy is configured", async () => {
    // One network that claims a new address each time: it is still one client.
    const sprayer = newClient();
    const answers: (string | null)[] = [];
    for (let attempt = 0; attempt < 102; attempt += 1) {
      const spoofed = `198.51.100.${attempt % 250}`;
      const { csrfToken } = (await (await sprayer("/api/auth/csrf")).json()) as {
        csrfToken: string;
      };
      const response = await sprayer("/api/auth/callback/password", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": spoofed,
          "x-real-ip": spoofed,
        },
        body: new URLSearchParams({
          csrfToken,
          // Many accounts, so no one account's limit is what stops it.
          email: `nobody-${attempt}-${randomBytes(3).toString("hex")}@test.local`,
          password: "Spr4y-password",
          json: "true",
        }),
      });
      const { url } = (await response.json()) as { url: string };
      answers.push(new URL(url).searchParams.get("error"));
    }
    expect(answers.slice(0, 100).every((answer) => answer === "Wrong email or password.")).toBe(
      true,
    );
    expect(answers[100]).toMatch(/^Too many failed sign-ins from your network; try again in/);
    // Everyone else is unaffected: the limit was the sprayer's alone.
    const bystander = newClient();
    const { email, password } = await registerAccount(bystander, "bystander");
    expect(await signInWithPassword(bystander, email, password)).toBeNull();
  });

  it("ends a session for good at sign-out: the captured cookie no longer works", async () => {
    const user = newClient();
    const { email, password } = await registerAccount(user, "signout");
    expect(await signInWithPassword(user, email, password)).toBeNull();
    const captured = new Map(user.cookies);
    expect((await trpcQuery(user, "account.me")).response.status).toBe(200);

    const { csrfToken } = (await (await user("/api/auth/csrf")).json()) as { csrfToken: string };
    await user("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    // An attacker who copied the cookie before sign-out replays it.
    const replay = newClient();
    for (const [name, value] of captured) replay.cookies.set(name, value);
    const me = await trpcQuery(replay, "account.me");
    expect(me.response.status).toBe(401);
    expect((await sessionOf(replay)).user).toBeUndefined();
    // The page sends the replayer to sign in: as a 307, or (once the page's loading state has
    // streamed) as Next's in-page redirect; either way without the account's data.
    const page = await replay("/participant/listings");
    const body = await page.text();
    if (page.status === 200)
      expect(body).toMatch(
        /id="__next-page-redirect" http-equiv="refresh" content="\d;url=\/sign-in/,
      );
    else {
      expect([302, 303, 307]).toContain(page.status);
      expect(page.headers.get("location")).toMatch(/\/sign-in/);
    }
    expect(body).not.toContain(email);
    expect(body).not.toContain("My listings");
  });

  it("ends every session of an account when its password changes", async () => {
    const owner = newClient();
    const { email, password } = await registerAccount(owner, "pwchange");
    const thief = newClient();
    expect(await signInWithPassword(thief, email, password)).toBeNull();
    expect((await trpcQuery(thief, "account.me")).response.status).toBe(200);

    expect(await signInWithPassword(owner, email, password)).toBeNull();
    const newPassword = `a brand new passphrase ${randomBytes(4).toString("hex")}`;
    const wrongCurrent = await trpcMutation(owner, "account.changePassword", {
      currentPassword: "not my password",
      newPassword,
    });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.error?.message).toMatch(/current password is wrong/i);
    const changed = await trpcMutation(owner, "account.changePassword", {
      currentPassword: password,
      newPassword,
    });
    expect(changed.status, JSON.stringify(changed.error)).toBe(200);

    expect((await trpcQuery(thief, "account.me")).response.status).toBe(401);
    expect(await signInWithPassword(newClient(), email, password)).toBe("Wrong email or password.");
    expect(await signInWithPassword(owner, email, newPassword)).toBeNull();
    expect((await trpcQuery(owner, "account.me")).response.status).toBe(200);
  });

  it("rate-limits registration per network: each one costs a slow password hash", async () => {
    const farm = newClient();
    const answers: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      const result = await trpcMutation(farm, "account.register", {
        email: `farm-${attempt}-${randomBytes(3).toString("hex")}@test.local`,
        password: "a long enough password",
        displayName: "Farm",
        role: "PARTICIPANT",
      });
      answers.push(result.status);
      if (attempt === 10) expect(result.error?.message).toMatch(/Too many new accounts/);
    }
    expect(answers).toEqual([...Array<number>(10).fill(200), 429]);
    // Another network registers as usual.
    await registerAccount(newClient(), "elsewhere");
  });
});
