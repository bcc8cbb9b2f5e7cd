import { CLINICAL_PHRASES, drugPhrase, type Split } from "./clinical";
import {
  DATE_GENERATORS,
  GEOGRAPHIC_GENERATORS,
  ID_GENERATORS,
  NAME_GENERATORS,
  personName,
  PHONE_GENERATORS,
  type GeneratorContext,
} from "./identifiers";
import type { CellTruth, ClinicalValue, PlantedValue } from "./types";

/**
 * Free-text notes as clinicians write them, each with identifiers and clinical phrases in
 * slots. The two splits use different templates (and cues), so a detector tuned on one is
 * measured on sentences it has not seen.
 */
export type NoteContext = GeneratorContext & { split: Split };

type Slot =
  | { planted: (context: NoteContext) => PlantedValue }
  | { clinical: (context: NoteContext) => ClinicalValue };

export type NoteTemplate = (context: NoteContext) => { text: string; truth: CellTruth };

function note(strings: TemplateStringsArray, ...slots: Slot[]): NoteTemplate {
  return (context) => {
    const truth: CellTruth = { planted: [], kept: [] };
    let text = strings[0]!;
    for (const [index, slot] of slots.entries()) {
      if ("planted" in slot) {
        const value = slot.planted(context);
        truth.planted.push({ ...value, placement: "free text" });
        text += value.text;
      } else {
        const value = slot.clinical(context);
        truth.kept.push({ ...value, placement: "free text" });
        text += value.text;
      }
      text += strings[index + 1]!;
    }
    return { text, truth };
  };
}

const pick = <T>(generators: Record<string, T>, name: string) => generators[name]!;
const id = (kind: keyof typeof ID_GENERATORS, variant: string): Slot => ({
  planted: (context) => pick(ID_GENERATORS[kind]!, variant)(context),
});
const name: Slot = { planted: (context) => NAME_GENERATORS.full!(context) };
const wordName: Slot = { planted: (context) => NAME_GENERATORS["word-name"]!(context) };
const nickname: Slot = { planted: (context) => NAME_GENERATORS.nickname!(context) };
const firstName: Slot = {
  planted: (context) => {
    const person = personName(context);
    const first = person.text.normalize("NFC").startsWith(person.first)
      ? person.first
      : person.text;
    return { kind: "NAME", variant: "first-name", text: first, leak: [first.normalize("NFC")] };
  },
};
const cjkName: Slot = {
  planted: (context) => {
    const locales = Object.keys(context.fakers).filter((locale) => /^(zh|ja|ko)/.test(locale));
    const fakers = Object.fromEntries(locales.map((locale) => [locale, context.fakers[locale]!]));
    return NAME_GENERATORS.full!({ ...context, fakers: locales.length ? fakers : context.fakers });
  },
};
const accentedName: Slot = {
  planted: (context) => {
    const locales = Object.keys(context.fakers).filter((locale) =>
      /^(vi|de|fr|es|pl|pt|tr|it)/.test(locale),
    );
    const fakers = Object.fromEntries(locales.map((locale) => [locale, context.fakers[locale]!]));
    return NAME_GENERATORS.full!({ ...context, fakers });
  },
};
const date = (variant: string): Slot => ({
  planted: (context) => DATE_GENERATORS[variant]!(context),
});
const phone = (variant: string): Slot => ({
  planted: (context) => PHONE_GENERATORS[variant]!(context),
});
const place = (variant: string): Slot => ({
  planted: (context) => GEOGRAPHIC_GENERATORS[variant]!(context),
});
const clin: Slot = {
  clinical: (context) => context.random.pick(CLINICAL_PHRASES[context.split])(context.random),
};
const drug: Slot = { clinical: (context) => drugPhrase(context.split)(context.random) };
const anyPhone: Slot = {
  planted: (context) => context.random.pick(Object.values(PHONE_GENERATORS))(context),
};

export const NOTE_TEMPLATES: Record<Split, NoteTemplate[]> = {
  dev: [
    note`Pt ${name} seen today; ${clin}. Call ${phone("us-bare")} if worse.`,
    note`Seen by Dr. ${name} on ${date("long")}. ${clin}.`,
    note`Admitted ${date("long-ordinal")}, discharged ${date("no-year-slash")}. ${clin}.`,
    note`${date("age-over-89")} woman with ${clin}; moved to ${place("city-state-zip")}.`,
    note`Daughter ${firstName} (${anyPhone}) drives her to ${drug} infusions.`,
    note`Born in ${date("old-birth-year")}. ${clin}; ${drug} continued.`,
    note`Device ${id("DEVICE", "udi-gs1")} implanted; ${clin}.`,
    note`Message from ${id("EMAIL", "plain")} about the ${drug} refill.`,
    note`Portal login from ${id("IP", "v6-short")} and ${id("IP", "v4")}.`,
    note`Home monitor MAC ${id("DEVICE", "mac")}, serial ${id("DEVICE", "serial")}; ${clin}.`,
    note`NHS number ${id("OTHER_ID", "nhs")}; GP surgery ${place("uk-postcode")}; mobile ${phone("uk-intl")}.`,
    note`SIN ${id("OTHER_ID", "sin")} on file; ${clin}.`,
    note`Interpreter booked for ${cjkName}; ${clin}.`,
    note`Wife ${accentedName} reports ${clin}.`,
    note`${clin}. ${clin}. No other concerns; continue ${drug}.`,
    note`Insurance member ${id("HEALTH_PLAN", "member")}; ${clin}.`,
    note`Arrived by car, plate ${id("VEHICLE", "plate")}; ${clin}.`,
    note`Photo ${id("PHOTO", "file")} added to the chart.`,
    note`See ${id("URL", "social")} for her updates.`,
    note`Fingerprint ${id("BIOMETRIC", "fingerprint")} enrolled for the medication cabinet.`,
    note`Lives at ${place("street")}; ${clin}.`,
    note`Stipend paid to ${id("ACCOUNT", "iban")}.`,
    note`DL ${id("LICENSE", "state-dl")}; referring NPI ${id("LICENSE", "npi")}.`,
    note`Discussed with ${wordName} at the bedside; ${clin}.`,
    note`${nickname} called about ${drug}.`,
    note`Fax results to ${id("FAX", "us-dash")}.`,
    note`Visit on ${date("us-two-digit")}: ${clin}.`,
    note`Recorded ${date("weekday")}: ${clin}.`,
    note`Reach her at ${phone("us-dash")} evenings; ${clin}.`,
    note`${name} presented on ${date("iso")} with ${clin}.`,
  ],
  holdout: [
    note`${name} presented with ${clin}; contact number ${anyPhone}.`,
    note`Referred by ${name}, ${clin}.`,
    note`Follow-up ${date("month-ordinal")}; ${clin}.`,
    note`Her son ${firstName} lives at ${place("street")}.`,
    note`Ms ${accentedName} is ${date("age-over-89")} and has ${clin}.`,
    note`Pacemaker ${id("DEVICE", "model-serial")} interrogated; ${clin}.`,
    note`Resident of ${place("eu-address")}.`,
    note`Wi-Fi adapter ${id("DEVICE", "mac")} flagged by IT; ${clin}.`,
    note`Postal code ${place("ca-postcode")}; ${clin}.`,
    note`${cjkName} attended with family; ${clin}.`,
    note`Contact ${id("EMAIL", "tagged")} or ${phone("intl")}.`,
    note`Card ${id("ACCOUNT", "card")} charged for the copay.`,
    note`${clin}; ${clin}; ${drug} held.`,
    note`Voice sample ${id("BIOMETRIC", "voiceprint")} stored.`,
    note`Car ${id("VEHICLE", "uk-plate")} in lot B.`,
    note`${wordName} brought her ${drug}.`,
    note`Seen ${date("day-mon-year")} near ${place("city-state-zip")}.`,
    note`Health card ${id("OTHER_ID", "nhs")}.`,
    note`Tracker IMEI ${id("DEVICE", "imei")}; ${clin}.`,
    note`Retina scan ${id("BIOMETRIC", "iris-hash")} on file.`,
    note`Telephone ${phone("uk-national")} (landline); ${clin}.`,
    note`Check-in ${date("eu-dot")} with ${clin}.`,
    note`Blog at ${id("URL", "personal")}; ${clin}.`,
    note`Mrs ${name} and ${nickname} visited; ${clin}.`,
    note`Licence ${id("LICENSE", "dashed-dl")} verified.`,
    note`Badge ${id("OTHER_ID", "badge")} used at the lab; ${clin}.`,
    note`Implant ${id("DEVICE", "udi-hibcc")} logged.`,
    note`Call back ${phone("us-paren")} re ${drug}.`,
    note`Seen ${date("us-slash")} by ${name}.`,
    note`Address: ${place("street")}, ${place("zip")}.`,
  ],
};
