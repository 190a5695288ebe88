// SMS as people write it: phone numbers in any of the ways Norwegians type them, and answers like
// «JA 4821», «ja4821», «4821 ja» or «TIMER 4821 2,5». Pure functions; the gateway and the store are
// in infra/, the commands behind the answers in bot/.

/**
 * A phone number as E.164 (+4791234567), or null when it is not one. Eight digits are Norwegian
 * (+47); 0047/47 prefixes and spaces, dashes and dots are accepted.
 */
export function normalizeMsisdn(raw: string): string | null {
  const s = raw.trim().replace(/[\s().-]/g, '');
  let digits: string;
  if (/^\+\d{8,15}$/.test(s)) digits = s.slice(1);
  else if (/^00\d{8,15}$/.test(s)) digits = s.slice(2);
  else if (/^\d{8}$/.test(s)) digits = `47${s}`;
  else if (/^47\d{8}$/.test(s)) digits = s;
  else return null;
  if (digits.startsWith('47') && digits.length !== 10) return null;
  return `+${digits}`;
}

/** «+47 912 34 567» for people: the number as they would say it (Norwegian numbers grouped). */
export function displayMsisdn(msisdn: string): string {
  const m = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(msisdn);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : msisdn;
}

/** Words that act on the SMS service itself rather than on a message. */
export type SmsServiceWord = 'stop' | 'start' | 'help';

const SERVICE_WORDS: Record<string, SmsServiceWord> = {
  stopp: 'stop', stop: 'stop', avslutt: 'stop', unsubscribe: 'stop',
  start: 'start',
  hjelp: 'help', help: 'help', info: 'help', '?': 'help',
};

/** STOPP, START or HJELP (any case, alone in the message), else null. */
export function smsServiceWord(text: string): SmsServiceWord | null {
  const word = text.trim().toLowerCase().replace(/[.!]+$/, '');
  return Object.hasOwn(SERVICE_WORDS, word) ? SERVICE_WORDS[word]! : null;
}

/** Answer codes are four digits: short to type on an old phone, and tied to the sender's number. */
export const ANSWER_CODE = /^\d{4}$/;

export interface TextAnswer {
  /** The keyword or number, upper-case («JA», «2»); null when the message had none. */
  key: string | null;
  /** The answer code, when the message named one. */
  code: string | null;
  /** What came after the key and code («2,5», «syk i dag»), trimmed; '' when nothing. */
  rest: string;
}

/**
 * Reads «JA 4821», «4821 ja», «ja4821», «Ja, 4821», «TIMER 4821 2,5», «1», «2 4821»: the key is the
 * first word that is not the code (a keyword glued to its code is split), the code a four-digit word
 * first or second, the rest what follows.
 */
export function parseTextAnswer(text: string): TextAnswer {
  const words = text
    .trim()
    .replace(/^([A-Za-zÆØÅæøå]+)(\d{4})(?!\d)/, '$1 $2')
    .split(/\s+/)
    .filter(Boolean)
    // «Ja, 4821.»: the key and the code lose their punctuation; what follows keeps its own («2,5»).
    .map((w, i) => (i < 2 ? w.replace(/[.,;:!?]+$/, '') : w));
  const isCode = (w: string | undefined) => w !== undefined && ANSWER_CODE.test(w);
  if (words.length === 0) return { key: null, code: null, rest: '' };
  if (isCode(words[0])) {
    // «4821 JA …», or the code alone.
    return { key: words[1]?.toUpperCase() ?? null, code: words[0]!, rest: words.slice(2).join(' ') };
  }
  if (isCode(words[1])) return { key: words[0]!.toUpperCase(), code: words[1]!, rest: words.slice(2).join(' ') };
  return { key: words[0]!.toUpperCase(), code: null, rest: words.slice(1).join(' ') };
}

/**
 * How many SMS a text costs: 160 characters (153 per part when split) in the GSM alphabet, 70 (67)
 * once any other character appears. Æ, Ø and Å are in the GSM alphabet; «–» and ««» are not.
 */
export function smsParts(text: string): number {
  const gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/.test(text);
  const extended = gsm ? (text.match(/[\^{}\\[~\]|€]/g) ?? []).length : 0;
  const length = gsm ? text.length + extended : [...text].length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / part);
}

/** Text as the GSM alphabet has it, where a close character exists: a long message then costs less. */
export function toGsmFriendly(text: string): string {
  return text
    .replace(/[–—]/g, '-')
    .replace(/[«»“”„]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/…/g, '...')
    .replace(/ /g, ' ');
}
