/**
 * PINs nobody may choose: generated families (repeats, runs, keyboard rows, repeated patterns, dates)
 * plus a shipped list of common 8-character passwords, all in the PIN alphabet A-Z0-9.
 */
const COMMON = [
  "PASSWORD",
  "PASSW0RD",
  "P4SSW0RD",
  "12345678",
  "87654321",
  "ILOVEYOU",
  "SUNSHINE",
  "PRINCESS",
  "FOOTBALL",
  "BASEBALL",
  "WELCOME1",
  "ABC12345",
  "QWERTY12",
  "QWERTY12",
  "TRUSTNO1",
  "SUPERMAN",
  "IWANTOUT",
  "ILOVEYOU",
  "CHARLIE1",
  "MICHAEL1",
  "JENNIFER",
  "JORDAN23",
  "PASSWORD",
  "LETMEIN1",
  "MONKEY12",
  "DRAGON12",
  "MUSTANG1",
  "SHADOW12",
  "MASTER12",
  "ASHLEY12",
  "ABCD1234",
  "1234ABCD",
  "A1B2C3D4",
  "1Q2W3E4R",
  "Q1W2E3R4",
  "ZAQ12WSX",
  "1QAZ2WSX",
  "COMPUTER",
  "INTERNET",
  "WHATEVER",
  "STARWARS",
  "PASSWORD",
  "MYPASSWD",
  "SECRET12",
  "CHANGEME",
  "DEFAULT1",
  "ADMIN123",
  "ADMINPIN",
  "PINCODE1",
  "PINPIN12",
  "12341234",
  "11223344",
  "AMORE123",
  "TIAMO123",
  "JUVENTUS",
  "ROMA1927",
  "NAPOLI10",
  "MILAN123",
  "INTER123",
  "ITALIA12",
  "FORZAJUV",
  "FORZAROM",
  "CIAOCIAO",
  "PASSWORD",
  "ANTONIO1",
  "GIUSEPPE",
  "FRANCESC",
  "ALESSAND",
  "ANDREA12",
  "MARCO123",
  "LUCA1234",
  "GIOVANNI",
  "ROBERTO1",
  "STEFANO1",
  "DANIELE1",
  "CHIARA12",
  "FEDERICA",
  "VALENTIN",
  "MARTINA1",
  "SERENA12",
  "ROSSI123",
  "INPSPIN1",
  "INPS1234",
  "PINPASS1",
  "ABCDEF12",
  "SAMSUNG1",
  "IPHONE12",
  "GOOGLE12",
  "FACEBOOK",
  "YOUTUBE1",
  "HOTMAIL1",
  "LIBERO12",
  "TELECOM1",
  "VODAFONE",
  "SOCCER12",
  "HOCKEY12",
  "BATMAN12",
  "SPIDERMA",
  "POKEMON1",
  "PEPPER12",
  "GINGER12",
  "MATRIX12",
  "SUMMER12",
  "WINTER12",
  "SPRING12",
  "AUTUMN12",
  "NOVEMBER",
  "DECEMBER",
  "FEBRUARY",
  "SEPTEMBE",
  "THOMAS12",
  "JESSICA1",
  "HANNAH12",
  "JOSHUA12",
  "DANIEL12",
  "ANDREW12",
  "MATTHEW1",
  "ROBERT12",
  "ANTHONY1",
  "WILLIAM1",
  "MERCEDES",
  "FERRARI1",
  "PORSCHE1",
  "LAMBORGH",
  "YAMAHA12",
  "HARLEY12",
  "COOKIE12",
  "CHOCOLAT",
  "BUTTERFL",
  "FREEDOM1",
  "LOVELOVE",
  "LOVEME12",
  "HELLO123",
  "HELLOHEL",
  "GOODLUCK",
  "HAPPY123",
  "SMILE123",
  "FAMILY12",
  "FRIENDS1",
  "BLESSED1",
  "JESUS123",
  "GODISGOO",
  "ANGEL123",
  "PRINCE12",
  "QUEEN123",
  "KING1234",
  "BANANA12",
  "ORANGE12",
  "APPLE123",
  "PURPLE12",
  "YELLOW12",
  "SILVER12",
  "GOLDEN12",
  "DIAMOND1",
  "CRYSTAL1",
  "COWBOYS1",
  "EAGLES12",
  "LAKERS24",
  "CHELSEA1",
  "ARSENAL1",
  "LIVERPOO",
  "BARCELON",
  "MADRID12",
  "ZXCVBNM1",
  "ASDFGHJK",
  "QWERTYUI",
  "QWERTZUI",
  "AZERTYUI",
  "POIUYTRE",
  "LKJHGFDS",
  "MNBVCXZ1",
  "ASDF1234",
  "QWER1234",
  "ZXCV1234",
  "1QAZXSW2",
].filter((p) => /^[A-Z0-9]{8}$/.test(p));

const KEYBOARD_ROWS = [
  "QWERTYUIOP",
  "ASDFGHJKL",
  "ZXCVBNM",
  "QWERTZUIOP",
  "YXCVBNM",
  "AZERTYUIOP",
  "WXCVBN",
  "1234567890",
];
const SEQUENCES = ["0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", ...KEYBOARD_ROWS];

function windows(source: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= source.length; i++) out.push(source.slice(i, i + 8));
  return out;
}

const WEAK = new Set<string>(COMMON);
for (const sequence of SEQUENCES) {
  for (const run of [...windows(sequence), ...windows([...sequence].reverse().join(""))]) WEAK.add(run);
}
for (const digitRun of windows("12345678901234567890")) WEAK.add(digitRun);

/** Any 8-character run of `source` in either direction, including wrap-around digit runs like 90123456. */
function isSequenceRun(pin: string): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(pin.charCodeAt(i) - pin.charCodeAt(i - 1));
  return steps.size === 1 && [...steps].every((s) => Math.abs(s) <= 2);
}

function isRepeatedPattern(pin: string): boolean {
  for (const size of [1, 2, 4]) {
    const unit = pin.slice(0, size);
    if (unit.repeat(8 / size) === pin) return true;
  }
  return new Set(pin).size <= 2;
}

/** DDMMYYYY, YYYYMMDD and MMDDYYYY dates from 1900 to 2039. */
function isDate(pin: string): boolean {
  if (!/^\d{8}$/.test(pin)) return false;
  const valid = (y: number, m: number, d: number) =>
    y >= 1900 && y <= 2039 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  const n = (a: number, b: number) => Number(pin.slice(a, b));
  return (
    valid(n(4, 8), n(2, 4), n(0, 2)) || valid(n(0, 4), n(4, 6), n(6, 8)) || valid(n(4, 8), n(0, 2), n(2, 4))
  );
}

export function isWeakPin(pin: string): boolean {
  return WEAK.has(pin) || isSequenceRun(pin) || isRepeatedPattern(pin) || isDate(pin);
}

export const weakPinListSize = WEAK.size;
