/** The kinds of timeline events, apart from the server code so that pages can import them. */
export const TIMELINE_CATEGORIES = [
  "registration",
  "enrollment",
  "rewards",
  "listing",
  "consent",
  "request",
  "decision",
  "data use",
  "settlement",
  "withdrawal",
] as const;
export type TimelineCategory = (typeof TIMELINE_CATEGORIES)[number];

/** The page shows at most this many events; the exports have them all. */
export const TIMELINE_PAGE_LIMIT = 2_000;
