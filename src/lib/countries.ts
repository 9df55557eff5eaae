/**
 * The officially assigned ISO 3166-1 alpha-2 codes (249, as the ISO 3166 Maintenance Agency
 * lists them), the only values a `country` field accepts. Names come from the runtime's ICU
 * data (Intl.DisplayNames), so no list of names is kept here; user-assigned codes such as XK
 * are left out on purpose, since carriers and payment providers do not agree on them.
 */
const CODES = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
`;

export const COUNTRY_CODES: readonly string[] = Object.freeze(CODES.trim().split(/\s+/));
const codeSet = new Set(COUNTRY_CODES);

export function isCountryCode(value: string): boolean {
  return codeSet.has(value);
}

export interface CountryOption {
  code: string;
  name: string;
}

const optionsByLocale = new Map<string, readonly CountryOption[]>();

/** Every country as code and name in `locale`, sorted by name as that language sorts. */
export function countryOptions(locale = 'en'): readonly CountryOption[] {
  let options = optionsByLocale.get(locale);
  if (!options) {
    const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    const collator = new Intl.Collator(locale);
    options = Object.freeze(
      COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name)),
    );
    optionsByLocale.set(locale, options);
  }
  return options;
}

/** The country's name in `locale`, or the code itself for one not on the list. */
export function countryName(code: string, locale = 'en'): string {
  return countryOptions(locale).find((option) => option.code === code)?.name ?? code;
}
