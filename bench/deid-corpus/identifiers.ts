import type { Faker } from "@faker-js/faker";
import { iban, luhnDigit, nhsCheckDigit, withVinCheck } from "./check-digits";
import type { Random } from "./random";
import type { PlantedValue, SafeHarborKind } from "./types";

/**
 * Generators of realistic identifier values, one set per Safe Harbor kind, each in several
 * shapes (national formats, separators or none, check digits valid). Names and places come
 * from faker in the corpus's locales, so the corpus's vocabulary is not the detector's.
 */
export type GeneratorContext = {
  random: Random;
  fakers: Record<string, Faker>;
  now: Date;
  /** Person names that are also everyday words or drug names, for this split. */
  wordNames: readonly string[];
  nicknames: readonly string[];
};

type Generator = (context: GeneratorContext) => PlantedValue;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const RESTRICTED_ZIP3 = ["036", "059", "102", "203", "556", "692", "790", "821", "878", "893"];
const STATES = ["MA", "VT", "NY", "CA", "TX", "OH", "WA", "GA", "MN", "AZ"];

const faker = (context: GeneratorContext) =>
  context.fakers[context.random.pick(Object.keys(context.fakers))]!;
const nfc = (text: string) => text.normalize("NFC");
const pad = (value: number, width = 2) => String(value).padStart(width, "0");
const ordinal = (day: number) =>
  `${day}${day % 10 === 1 && day !== 11 ? "st" : day % 10 === 2 && day !== 12 ? "nd" : day % 10 === 3 && day !== 13 ? "rd" : "th"}`;

const value = (
  kind: SafeHarborKind,
  variant: string,
  text: string,
  leak: string[] = [text],
  year?: number,
): PlantedValue => ({ kind, variant, text, leak: leak.map(nfc), year });

/** A name in the faker's locale; CJK names are written without spaces, some names in NFD. */
export function personName(context: GeneratorContext, options: { first?: string } = {}) {
  const { random } = context;
  const locale = random.pick(Object.keys(context.fakers));
  const person = context.fakers[locale]!.person;
  const first = options.first ?? person.firstName();
  const last = person.lastName();
  const isCjk = /^(zh|ja|ko)/.test(locale);
  let text = isCjk ? `${last}${first}` : `${first} ${last}`;
  let variant = isCjk ? "cjk-name" : `name-${locale}`;
  if (!isCjk && /[^ -~]/.test(text) && random.chance(0.5)) {
    text = text.normalize("NFD");
    variant = "nfd-name";
  }
  // Lower-case particles ("van der", "de") are not the name on their own.
  const leak = isCjk
    ? [text, first]
    : text.split(/\s+/).filter((part) => part.length >= 2 && !/^\p{Ll}/u.test(part));
  return { text, first, last, leak, variant };
}

export const NAME_GENERATORS: Record<string, Generator> = {
  full: (context) => {
    const name = personName(context);
    return value("NAME", name.variant, name.text, name.leak);
  },
  "word-name": (context) => {
    const name = personName(context, { first: context.random.pick(context.wordNames) });
    return value("NAME", "word-or-drug-name", name.text, name.leak);
  },
  nickname: (context) => {
    const name = personName(context, { first: context.random.pick(context.nicknames) });
    return value("NAME", "nickname", name.text, name.leak);
  },
  titled: (context) => {
    const name = personName(context);
    const title = context.random.pick(["Dr.", "Dr", "Mrs.", "Mr.", "Ms", "Prof."]);
    return value("NAME", "titled", `${title} ${name.text}`, name.leak);
  },
};

function randomDate(random: Random, fromYear: number, toYear: number) {
  return { year: random.int(fromYear, toYear), month: random.int(1, 12), day: random.int(1, 28) };
}

/** Dates as people write them; `format` fixes the shape for a whole column. */
export const DATE_FORMATS = {
  iso: (d) => `${d.year}-${pad(d.month)}-${pad(d.day)}`,
  "us-slash": (d) => `${pad(d.month)}/${pad(d.day)}/${d.year}`,
  "eu-dot": (d) => `${pad(d.day)}.${pad(d.month)}.${d.year}`,
  "us-two-digit": (d) => `${d.month}/${d.day}/${pad(d.year % 100)}`,
  "eu-two-digit": (d) => `${pad(d.day)}/${pad(d.month)}/${pad(d.year % 100)}`,
  long: (d) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}`,
  "long-ordinal": (d) => `${ordinal(d.day)} of ${MONTHS[d.month - 1]} ${d.year}`,
  "month-ordinal": (d) => `${MONTHS[d.month - 1]} ${ordinal(d.day)}, ${d.year}`,
  "day-mon-year": (d) => `${pad(d.day)}-${MONTHS[d.month - 1]!.slice(0, 3)}-${d.year}`,
  compact: (d) => `${d.year}${pad(d.month)}${pad(d.day)}`,
  datetime: (d) =>
    `${d.year}-${pad(d.month)}-${pad(d.day)}T${pad(d.day % 24)}:${pad(d.month * 4)}:00Z`,
  weekday: (d) => `${WEEKDAYS[(d.day + d.month) % 7]}, ${d.day} ${MONTHS[d.month - 1]} ${d.year}`,
} satisfies Record<string, (date: { year: number; month: number; day: number }) => string>;

export type DateFormat = keyof typeof DATE_FORMATS;

export function dateValue(
  context: GeneratorContext,
  format: DateFormat,
  range: [number, number] = [1950, 2024],
): PlantedValue {
  const date = randomDate(context.random, range[0], range[1]);
  const text = DATE_FORMATS[format](date);
  return value("DATE", format, text, [text], date.year);
}

export const DATE_GENERATORS: Record<string, Generator> = {
  ...Object.fromEntries(
    (Object.keys(DATE_FORMATS) as DateFormat[]).map((format) => [
      format,
      (context: GeneratorContext) => dateValue(context, format),
    ]),
  ),
  "no-year-slash": ({ random }) => {
    const text = `${random.int(1, 12)}/${random.int(13, 28)}`;
    return value("DATE", "no-year", text);
  },
  "no-year-month": ({ random }) => {
    const text = `${random.pick(MONTHS)} ${random.int(2, 28)}`;
    return value("DATE", "no-year", text);
  },
  "age-over-89": ({ random }) => {
    const age = random.int(90, 104);
    const text = random.pick([`${age}-year-old`, `aged ${age}`, `${age} y/o`, `age ${age}`]);
    return value("DATE", "age-over-89", text, [String(age)]);
  },
  "old-birth-year": ({ random, now }) => {
    const year = now.getUTCFullYear() - random.int(91, 101);
    return value("DATE", "old-birth-year", String(year), [String(year)], year);
  },
};

const nanp = (random: Random) =>
  `${random.int(2, 9)}${random.digits(2)}${random.int(2, 9)}${random.digits(2)}${random.digits(4)}`;

export const PHONE_GENERATORS: Record<string, Generator> = {
  "us-paren": ({ random }) => {
    const d = nanp(random);
    return value("PHONE", "us-paren", `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`);
  },
  "us-dash": ({ random }) => {
    const d = nanp(random);
    return value("PHONE", "us-dash", `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`);
  },
  "us-dot": ({ random }) => {
    const d = nanp(random);
    return value("PHONE", "us-dot", `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`);
  },
  "us-bare": ({ random }) => value("PHONE", "us-bare", nanp(random)),
  "us-plus1": ({ random }) => {
    const d = nanp(random);
    return value("PHONE", "us-plus1", `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`);
  },
  "uk-intl": ({ random }) =>
    value(
      "PHONE",
      "uk-intl",
      random.chance(0.5)
        ? `+44 20 ${random.int(7000, 8999)} ${random.digits(4)}`
        : `+44 7${random.digits(3)} ${random.digits(6)}`,
    ),
  "uk-national": ({ random }) =>
    value(
      "PHONE",
      "uk-national",
      random.chance(0.5)
        ? `07${random.digits(3)} ${random.digits(6)}`
        : `020 ${random.int(7000, 8999)} ${random.digits(4)}`,
    ),
  intl: ({ random }) => {
    const text = random.pick([
      () =>
        `+33 ${random.int(1, 9)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)}`,
      () => `+49 30 ${random.digits(8)}`,
      () => `+84 ${random.int(20, 99)} ${random.digits(4)} ${random.digits(4)}`,
      () => `+86 1${random.int(30, 89)} ${random.digits(4)} ${random.digits(4)}`,
      () => `+91 ${random.int(70000, 99999)} ${random.digits(5)}`,
      () => `+61 4${random.digits(2)} ${random.digits(3)} ${random.digits(3)}`,
    ])();
    return value("PHONE", "international", text);
  },
  extension: ({ random }) => {
    const d = nanp(random);
    return value(
      "PHONE",
      "extension",
      `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)} x${random.int(10, 9999)}`,
      [`${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`],
    );
  },
};

export const GEOGRAPHIC_GENERATORS: Record<string, Generator> = {
  street: (context) => {
    const location = faker(context).location;
    const text = `${context.random.int(1, 9999)} ${location.street()}`;
    return value("GEOGRAPHIC", "street", text);
  },
  city: (context) => value("GEOGRAPHIC", "city", faker(context).location.city()),
  "city-state-zip": (context) => {
    const { random } = context;
    const city = context.fakers.en_US?.location.city() ?? faker(context).location.city();
    const restricted = random.chance(0.4);
    const zip = restricted
      ? `${random.pick(RESTRICTED_ZIP3)}${random.digits(2)}`
      : `${random.int(10, 99)}${random.digits(3)}`;
    const text = `${city}, ${random.pick(STATES)} ${zip}`;
    return value(
      "GEOGRAPHIC",
      "city-state-zip",
      text,
      restricted ? [city, zip, zip.slice(0, 3)] : [city, zip],
    );
  },
  zip: ({ random }) => {
    const restricted = random.chance(0.3);
    const zip = restricted
      ? `${random.pick(RESTRICTED_ZIP3)}${random.digits(2)}`
      : `0${random.int(1000, 9999)}`;
    return value(
      "GEOGRAPHIC",
      restricted ? "zip-restricted" : "zip",
      zip,
      restricted ? [zip, zip.slice(0, 3)] : [zip],
    );
  },
  "uk-postcode": ({ random }) => {
    const area = random.pick(["SW", "N", "E", "M", "B", "LS", "EH", "CF", "BT", "G", "OX", "CB"]);
    const district = random.int(1, 20);
    // Outward codes are A9, A99, AA9, AA99, A9A or AA9A: a letter only after a single digit.
    const text = `${area}${district}${district < 10 && random.chance(0.3) ? "A" : ""} ${random.int(0, 9)}${random.letters(2, "ABDEFGHJLNPQRSTUWXYZ")}`;
    return value("GEOGRAPHIC", "uk-postcode", text);
  },
  "ca-postcode": ({ random }) => {
    const l = () => random.letters(1, "ABCEGHJKLMNPRSTVXY");
    const text = `${l()}${random.int(0, 9)}${l()} ${random.int(0, 9)}${l()}${random.int(0, 9)}`;
    return value("GEOGRAPHIC", "ca-postcode", text);
  },
  "eu-address": (context) => {
    const location = (context.fakers.de ?? context.fakers.fr ?? context.fakers.it ?? faker(context))
      .location;
    const street = location.street();
    const number = context.random.int(1, 140);
    const postcode = context.random.digits(5);
    const city = location.city();
    return value("GEOGRAPHIC", "eu-address", `${street} ${number}, ${postcode} ${city}`, [
      `${street} ${number}`,
      postcode,
      city,
    ]);
  },
  coordinates: ({ random }) => {
    const lat = (random.next() * 50 + 20).toFixed(5);
    const lon = (-(random.next() * 50 + 70)).toFixed(5);
    return value("GEOGRAPHIC", "coordinates", `${lat}, ${lon}`, [lat, lon]);
  },
};

const hex = (random: Random, count: number) =>
  Array.from({ length: count }, () => random.pick([..."0123456789abcdef"])).join("");

export const ID_GENERATORS: Partial<Record<SafeHarborKind, Record<string, Generator>>> = {
  FAX: {
    "us-dash": (context) => ({ ...PHONE_GENERATORS["us-dash"]!(context), kind: "FAX" }),
    "uk-intl": (context) => ({ ...PHONE_GENERATORS["uk-intl"]!(context), kind: "FAX" }),
  },
  EMAIL: {
    plain: (context) => value("EMAIL", "email", faker(context).internet.email()),
    tagged: (context) => {
      const [user, domain] = faker(context).internet.email().split("@");
      return value("EMAIL", "plus-address", `${user}+trial@${domain}`);
    },
  },
  SSN: {
    dashed: ({ random }) =>
      value(
        "SSN",
        "dashed",
        `${random.int(100, 665)}-${pad(random.int(1, 99))}-${pad(random.int(1, 9999), 4)}`,
      ),
    spaced: ({ random }) =>
      value(
        "SSN",
        "spaced",
        `${random.int(100, 665)} ${pad(random.int(1, 99))} ${pad(random.int(1, 9999), 4)}`,
      ),
    bare: ({ random }) =>
      value(
        "SSN",
        "bare",
        `${random.int(100, 665)}${pad(random.int(1, 99))}${pad(random.int(1, 9999), 4)}`,
      ),
  },
  MRN: {
    prefixed: ({ random }) => value("MRN", "prefixed", `MRN${random.digits(7)}`),
    labelled: ({ random }) => {
      const number = random.digits(8);
      return value("MRN", "labelled", `MRN: ${number}`, [number]);
    },
    bare: ({ random }) => value("MRN", "bare", `${random.int(1, 9)}${random.digits(6)}`),
    dashed: ({ random }) =>
      value("MRN", "dashed", `MR-${random.int(2015, 2024)}-${random.digits(6)}`),
    letters: ({ random }) => value("MRN", "letters", `${random.letters(2)}${random.digits(7)}`),
  },
  HEALTH_PLAN: {
    member: ({ random }) =>
      value("HEALTH_PLAN", "member", `${random.letters(3)}${random.digits(9)}`),
    mbi: ({ random }) =>
      value(
        "HEALTH_PLAN",
        "medicare-mbi",
        `${random.int(1, 9)}${random.letters(1, "ACDEFGHJKMNPQRTUVWXY")}${random.int(0, 9)}${random.int(0, 9)}-${random.letters(2, "ACDEFGHJKMNPQRTUVWXY")}${random.int(0, 9)}-${random.letters(2, "ACDEFGHJKMNPQRTUVWXY")}${random.digits(2)}`,
      ),
    group: ({ random }) =>
      value("HEALTH_PLAN", "group", `W${random.digits(9)} ${random.digits(2)}`),
  },
  ACCOUNT: {
    iban: ({ random }) => {
      const code = iban("GB", `${random.letters(4)}${random.digits(14)}`);
      return value("ACCOUNT", "iban", code.replace(/(.{4})/g, "$1 ").trim());
    },
    card: ({ random }) => {
      const payload = `4${random.digits(14)}`;
      const card = `${payload}${luhnDigit(payload)}`;
      return value("ACCOUNT", "card", card.replace(/(\d{4})(?=\d)/g, "$1 "));
    },
    prefixed: ({ random }) => value("ACCOUNT", "prefixed", `ACCT-${random.digits(8)}`),
    bare: ({ random }) => value("ACCOUNT", "bare", `${random.int(1, 9)}${random.digits(11)}`),
  },
  LICENSE: {
    "state-dl": ({ random }) =>
      value("LICENSE", "state-dl", `${random.letters(1)}${random.digits(8)}`),
    "dashed-dl": ({ random }) =>
      value(
        "LICENSE",
        "dashed-dl",
        `${random.letters(1)}${random.digits(3)}-${random.digits(4)}-${random.digits(4)}`,
      ),
    npi: ({ random }) => {
      const nine = `1${random.digits(8)}`;
      return value("LICENSE", "npi", `${nine}${luhnDigit(`80840${nine}`)}`);
    },
    dea: ({ random }) => {
      const digits = random.digits(6);
      const d = [...digits].map(Number);
      const check = (d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!)) % 10;
      return value("LICENSE", "dea", `${random.letters(2, "ABFM")}${digits}${check}`);
    },
    passport: ({ random }) =>
      value("LICENSE", "passport", `${random.letters(1)}${random.digits(8)}`),
  },
  VEHICLE: {
    vin: ({ random }) =>
      value(
        "VEHICLE",
        "vin",
        withVinCheck(
          `${random.letters(3, "ABCDEFGHJKLMNPRSTUVWXYZ")}${random.letters(2, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789")}${random.digits(3)}0${random.letters(2)}${random.digits(6)}`,
        ),
      ),
    plate: ({ random }) =>
      value("VEHICLE", "plate", `${random.int(1, 9)}${random.letters(3)}${random.digits(3)}`),
    "uk-plate": ({ random }) =>
      value("VEHICLE", "uk-plate", `${random.letters(2)}${random.digits(2)} ${random.letters(3)}`),
  },
  DEVICE: {
    serial: ({ random }) =>
      value("DEVICE", "serial", `SN-${random.digits(4)}-${random.digits(2)}${random.letters(1)}`),
    "model-serial": ({ random }) =>
      value(
        "DEVICE",
        "model-serial",
        `${random.letters(3)}${random.digits(6)}${random.letters(1)}`,
      ),
    "udi-gs1": ({ random }) => {
      const text = `(01)${random.digits(14)}(17)${random.int(24, 29)}${pad(random.int(1, 12))}${pad(random.int(1, 28))}(10)${random.letters(1)}${random.digits(5)}(21)${random.digits(6)}`;
      return value("DEVICE", "udi-gs1", text);
    },
    "udi-hibcc": ({ random }) =>
      value(
        "DEVICE",
        "udi-hibcc",
        `+H${random.digits(3)}PROD${random.int(1, 9)}/$$3${random.digits(6)}LOT${random.digits(4)}`,
      ),
    imei: ({ random }) => {
      const payload = `35${random.digits(12)}`;
      return value("DEVICE", "imei", `${payload}${luhnDigit(payload)}`);
    },
    mac: ({ random }) => {
      const parts = Array.from({ length: 6 }, () => hex(random, 2).toUpperCase());
      return value("DEVICE", "mac", parts.join(random.pick([":", "-"])));
    },
  },
  URL: {
    social: (context) => {
      const name = personName(context);
      const handle = `${name.first}.${name.last}`
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^\w.]/g, "");
      const text = `https://www.${context.random.pick(["facebook", "instagram", "linkedin"])}.com/${handle}`;
      return value("URL", "social", text, [handle]);
    },
    personal: (context) => {
      const text = `http://${faker(context).internet.domainWord()}-family.example.org/blog`;
      return value("URL", "personal", text, [text.replace("http://", "")]);
    },
    bare: (context) =>
      value(
        "URL",
        "bare",
        `www.${faker(context).internet.domainWord()}.net/~${context.random.letters(5).toLowerCase()}`,
      ),
  },
  IP: {
    v4: ({ random }) =>
      value(
        "IP",
        "ipv4",
        `${random.int(11, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
      ),
    "v6-full": ({ random }) =>
      value("IP", "ipv6", Array.from({ length: 8 }, () => hex(random, 4)).join(":")),
    "v6-short": ({ random }) =>
      value(
        "IP",
        "ipv6-compressed",
        `2001:db8:${hex(random, 4)}::${hex(random, 3)}:${hex(random, 4)}`,
      ),
  },
  BIOMETRIC: {
    fingerprint: ({ random }) => value("BIOMETRIC", "fingerprint", `FP-${hex(random, 16)}`),
    voiceprint: ({ random }) => value("BIOMETRIC", "voiceprint", `VP${random.digits(9)}`),
    "iris-hash": ({ random }) => value("BIOMETRIC", "iris-hash", hex(random, 40)),
  },
  PHOTO: {
    file: (context) => {
      const name = personName(context);
      const slug =
        name.last
          .toLowerCase()
          .normalize("NFD")
          .replace(/[^a-z]/g, "") || "face";
      return value("PHOTO", "file", `IMG_${context.random.digits(8)}_${slug}.jpg`);
    },
    url: ({ random }) =>
      value("PHOTO", "url", `https://photos.example.org/faces/${random.digits(7)}.png`),
  },
  OTHER_ID: {
    nhs: ({ random }) => {
      let check: string | null = null;
      let nine = "";
      while (check === null) {
        nine = `${random.int(4, 9)}${random.digits(8)}`;
        check = nhsCheckDigit(nine);
      }
      const number = `${nine}${check}`;
      const text = random.chance(0.6)
        ? `${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6)}`
        : number;
      return value("OTHER_ID", "nhs", text);
    },
    sin: ({ random }) => {
      const payload = `${random.int(1, 7)}${random.digits(7)}`;
      const sin = `${payload}${luhnDigit(payload)}`;
      return value("OTHER_ID", "sin", `${sin.slice(0, 3)} ${sin.slice(3, 6)} ${sin.slice(6)}`);
    },
    badge: ({ random }) => value("OTHER_ID", "badge", `B-${random.digits(5)}`),
    barcode: ({ random }) =>
      value(
        "OTHER_ID",
        "barcode",
        `BB${random.digits(2)}-${random.digits(6)}-${random.letters(1)}`,
      ),
    uuid: (context) => value("OTHER_ID", "uuid", faker(context).string.uuid()),
  },
};
