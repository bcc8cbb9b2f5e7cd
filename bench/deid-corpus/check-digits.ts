/**
 * Check digits of the identifier schemes the corpus plants, so planted numbers are valid ones
 * (a detector that checks them must find them; one that ignores them gains nothing).
 */
export function luhnDigit(payload: string): string {
  let sum = 0;
  const digits = [...payload].reverse();
  for (const [index, char] of digits.entries()) {
    let digit = Number(char);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** NHS number: ten digits, the last a modulus-11 check; payloads whose check is 10 are invalid. */
export function nhsCheckDigit(nine: string): string | null {
  const sum = [...nine].reduce((total, char, index) => total + Number(char) * (10 - index), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return null;
  return String(check === 11 ? 0 : check);
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** SNOMED CT identifiers end in a Verhoeff check digit. */
export function verhoeffDigit(payload: string): string {
  let c = 0;
  const digits = [...payload].reverse();
  for (const [index, char] of digits.entries())
    c = VERHOEFF_D[c]![VERHOEFF_P[(index + 1) % 8]![Number(char)]!]!;
  return String(VERHOEFF_INV[c]);
}

/** LOINC codes: a modulus-10 check digit after the dash (the Luhn variant LOINC documents). */
export function loincCode(payload: string): string {
  return `${payload}-${luhnDigit(payload)}`;
}

const VIN_VALUES: Record<string, number> = Object.fromEntries([
  ...[..."ABCDEFGH"].map((letter, index): [string, number] => [letter, index + 1]),
  ...[..."JKLMN"].map((letter, index): [string, number] => [letter, index + 1]),
  ["P", 7] as [string, number],
  ["R", 9] as [string, number],
  ...[..."STUVWXYZ"].map((letter, index): [string, number] => [letter, index + 2]),
]);
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** A North American VIN with its ninth-position check character filled in. */
export function withVinCheck(vin: string): string {
  const sum = [...vin].reduce(
    (total, char, index) =>
      total + (/\d/.test(char) ? Number(char) : (VIN_VALUES[char] ?? 0)) * VIN_WEIGHTS[index]!,
    0,
  );
  const check = sum % 11 === 10 ? "X" : String(sum % 11);
  return `${vin.slice(0, 8)}${check}${vin.slice(9)}`;
}

/** IBAN check digits (ISO 13616, modulus 97). */
export function iban(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`
    .split("")
    .map((char) => (/[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char))
    .join("");
  let remainder = 0;
  for (const char of rearranged) remainder = (remainder * 10 + Number(char)) % 97;
  return `${country}${String(98 - remainder).padStart(2, "0")}${bban}`;
}
