import "server-only";
/**
 * Check digits of identifier schemes, so that a number is called an NHS number, a card or a
 * SNOMED CT concept only when its own check digit agrees (a random number passes one in ten).
 */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** NHS numbers (England, Wales, Isle of Man): ten digits, modulus 11. */
export function isNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < 9; index += 1) sum += (digits.charCodeAt(index) - 48) * (10 - index);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digits.charCodeAt(9) - 48;
}

/** Canadian Social Insurance Numbers: nine digits, Luhn, never starting with 0 or 8. */
export function isSinNumber(digits: string): boolean {
  return /^[1-79]\d{8}$/.test(digits) && isLuhnValid(digits);
}

const D = [
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
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

function isVerhoeffValid(digits: string): boolean {
  let check = 0;
  for (let index = 0; index < digits.length; index += 1)
    check = D[check]![P[index % 8]![digits.charCodeAt(digits.length - 1 - index) - 48]!]!;
  return check === 0;
}

/**
 * SNOMED CT identifiers: 6 to 18 digits, a partition identifier in the two digits before the
 * Verhoeff check digit (00, 01, 02 for the short format; 10, 11, 12 for extensions).
 */
export function isSnomedId(digits: string): boolean {
  if (!/^[1-9]\d{5,17}$/.test(digits)) return false;
  const partition = digits.slice(-3, -1);
  return ["00", "01", "02", "10", "11", "12"].includes(partition) && isVerhoeffValid(digits);
}

/** LOINC codes: digits, a dash and a modulus-10 (Luhn) check digit ("4548-4"). */
export function isLoincCode(code: string): boolean {
  const match = /^(\d{1,6})-(\d)$/.exec(code);
  return match !== null && isLuhnValid(`${match[1]!}${match[2]!}`);
}

/** IBAN (ISO 13616): modulus 97 of the rearranged number is 1. */
export function isIban(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** US DEA registration numbers: two letters, seven digits with a weighted check. */
export function isDeaNumber(code: string): boolean {
  const match = /^[A-Z][A-Z9](\d{7})$/.exec(code);
  if (!match) return false;
  const d = [...match[1]!].map(Number);
  return (d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!)) % 10 === d[6];
}
