// The one text renderer: any card our builders make, read as plain text for a channel that shows no
// cards (SMS, Bot Framework's sms and email channels). It walks the card JSON, so each message keeps
// one home — its builder — and the text says what the card says. Buttons become answers: numbers in a
// chat («1», «2»), keywords with the message's answer code in SMS («JA 4821»). Each answer carries the
// button's own `data`, so the reply runs the same command a tap would. A button whose form has one
// field takes its value after the key («TIMER 4821 2,5»); a form with more is left to the app.
//
// Confidentiality holds as on the card, and tighter where the channel demands: elements marked with
// markPrivate (card.ts) show only the fields the caller allows (domain/confidentiality.ts
// fieldsCarriedBy); whatever is held back is replaced by the caller's one-time link to that task.
import type { Locale } from '../domain/types.ts';
import type { PrivateField } from '../domain/confidentiality.ts';
import { verbTakesInputs } from './action.ts';
import type { ActionVerb } from './actions.ts';
import type { AdaptiveCard, CardActionJson, CardElement, CardInput, Fact, InlineCard } from './card.ts';
import { privatePartOf } from './card.ts';
import { PRIVATE_FACT_TITLES } from './task-details.ts';
import { t, type MessageKey } from './texts.ts';

/** 'numbered': a chat that shows text only; 'sms': short, keywords and an answer code. */
export type TextStyle = 'numbered' | 'sms';

export interface TextInput {
  id: string;
  kind: 'text' | 'number' | 'date' | 'time' | 'toggle' | 'choice';
  label: string;
  required: boolean;
  choices?: ReadonlyArray<{ title: string; value: string }>;
}

/** One way to answer: the key to send and the button data it stands for. */
export interface TextOption {
  /** «1», «JA». */
  key: string;
  title: string;
  data: Record<string, unknown> & { action: string };
  /** The one form field whose value follows the key, if the button submits one. */
  input?: TextInput;
}

export interface TextRenderOptions {
  locale: Locale;
  style: TextStyle;
  /** Which private fields may be shown for the task `ref` (an assignment id). */
  allowedFields: (ref: string) => readonly PrivateField[];
  /** A link that opens task `ref` for its volunteer, for each task whose details are held back. */
  linkFor?: (ref: string) => string | null;
  /** SMS: the code every answer key is followed by. */
  code?: string;
}

export interface RenderedText {
  text: string;
  options: TextOption[];
  /** Tasks (assignment ids) whose details, or part of them, were held back. */
  withheld: string[];
  /** Tasks whose details were (partly) shown, with the fields shown: each such send is a reveal. */
  shown: Array<{ ref: string; fields: PrivateField[] }>;
}

/** Keywords for the answers people give most, per verb; other buttons are numbered. */
const KEYWORDS: Partial<Record<ActionVerb, { nb: string; nn: string; en: string; phrase?: MessageKey }>> = {
  'offer.accept': { nb: 'JA', nn: 'JA', en: 'YES', phrase: 'text.answer.accept' },
  'series.accept': { nb: 'JA', nn: 'JA', en: 'YES', phrase: 'text.answer.accept' },
  'assignment.confirm': { nb: 'JA', nn: 'JA', en: 'YES', phrase: 'text.answer.confirm' },
  'caregiver.visit.confirm': { nb: 'JA', nn: 'JA', en: 'YES', phrase: 'text.answer.confirmVisit' },
  'offer.decline': { nb: 'NEI', nn: 'NEI', en: 'NO', phrase: 'text.answer.decline' },
  'series.decline': { nb: 'NEI', nn: 'NEI', en: 'NO', phrase: 'text.answer.decline' },
  'assignment.cancel.start': { nb: 'AVLYS', nn: 'AVLYS', en: 'CANCEL', phrase: 'text.answer.cancel' },
  'assignment.cancel.submit': { nb: 'AVLYS', nn: 'AVLYS', en: 'CANCEL', phrase: 'text.answer.cancelReason' },
  // On a card «Avlys» asks first (caregiver.ts cancelVisitAction); its one confirming button collapses
  // into this answer, so «AVLYS ‹kode›» cancels at once: typing the keyword with the code is already a
  // deliberate act, and a second round-trip by SMS would cost more than it protects.
  'caregiver.request.cancel': { nb: 'AVLYS', nn: 'AVLYS', en: 'CANCEL', phrase: 'text.answer.cancel' },
  'assignment.done': { nb: 'TIMER', nn: 'TIMER', en: 'HOURS', phrase: 'text.answer.hours' },
  'assignment.notDone': { nb: 'IKKE', nn: 'IKKJE', en: 'NOT', phrase: 'text.answer.notDone' },
  'concern.report': { nb: 'BEKYMRING', nn: 'BEKYMRING', en: 'CONCERN', phrase: 'text.answer.concern' },
};

/** The same answer in another language: someone reading Norwegian may still write YES, or IKKE in nynorsk. */
export const KEYWORD_SYNONYMS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(KEYWORDS).flatMap((k) => [[k.en, k.nb], [k.nb, k.en], ...(k.nn === k.nb ? [] : [[k.nn, k.nb]])]),
);

/** Buttons that make no sense where nothing can be tapped: the menu is what HJELP / «meny» gives. */
const SMS_SKIPPED: ReadonlySet<string> = new Set(['menu.show']);

export function cardToText(card: AdaptiveCard, opts: TextRenderOptions): RenderedText {
  const { locale, style } = opts;
  const lines: string[] = [];
  const options: TextOption[] = [];
  const withheld = new Set<string>();
  const shown = new Map<string, Set<PrivateField>>();
  let formLeftOut = false;

  const allowedTitles = (ref: string) => {
    const allowed = new Set(opts.allowedFields(ref));
    return new Set(
      Object.entries(PRIVATE_FACT_TITLES)
        .filter(([field]) => allowed.has(field as PrivateField))
        .map(([, key]) => t(locale, key)),
    );
  };
  const fieldsOfTitle = (title: string) =>
    Object.entries(PRIVATE_FACT_TITLES).filter(([, key]) => t(locale, key) === title).map(([field]) => field as PrivateField);

  const factLines = (list: readonly Fact[], compact: boolean) => {
    if (list.length === 0) return;
    if (compact) lines.push(list.map((f) => f.value).join(', '));
    else for (const f of list) lines.push(`${f.title}: ${f.value}`);
  };

  const inputsIn = (elements: readonly CardElement[]): CardInput[] => {
    const out: CardInput[] = [];
    for (const e of elements) {
      if (e.type === 'Container') out.push(...inputsIn(e.items));
      else if (e.type.startsWith('Input.')) out.push(e as CardInput);
    }
    return out;
  };

  const addOption = (title: string, data: Record<string, unknown> & { action: string }, inputs: readonly CardInput[], verb: string) => {
    if (style === 'sms' && SMS_SKIPPED.has(verb)) return;
    let input: TextInput | undefined;
    if (verbTakesInputs(verb as ActionVerb)) {
      // One field (or one required among optional ones) can follow the key; a longer form cannot. Nor
      // can one whose other fields show a value already (settings as they stand): a text answer would
      // send them empty, changing what the person never saw.
      const required = inputs.filter((i) => i.isRequired);
      const othersEmpty = required.length === 1 && inputs.every((i) => i === required[0] || !carriesValue(i));
      const chosen = inputs.length === 1 ? inputs[0] : othersEmpty ? required[0] : undefined;
      if (!chosen && inputs.length > 0) {
        formLeftOut = true;
        return;
      }
      if (chosen) input = describeInput(chosen);
    }
    const used = new Set(options.map((o) => o.key));
    const keyword = style === 'sms' ? KEYWORDS[verb as ActionVerb]?.[locale] : undefined;
    let key = keyword && !used.has(keyword) ? keyword : '';
    for (let n = 1; !key; n++) if (!used.has(String(n))) key = String(n);
    options.push({ key, title, data, ...(input ? { input } : {}) });
  };

  const walkActions = (actions: readonly CardActionJson[] | undefined, scopeInputs: readonly CardInput[]) => {
    for (const a of actions ?? []) {
      if (a.type === 'Action.Submit' || a.type === 'Action.Execute') {
        addOption(a.title, a.data, a.associatedInputs === 'auto' ? scopeInputs : [], a.data.action);
      } else if (a.type === 'Action.OpenUrl') {
        // A phone number on a button is a person's detail: never in an SMS (a centre may allow name and address, not phones).
        if (a.url.startsWith('tel:') && style === 'sms') continue;
        lines.push(`${a.title}: ${a.url}`);
      } else if (a.type === 'Action.ShowCard') {
        walkShowCard(a.title, a.card, scopeInputs);
      }
    }
  };

  /** «Ja, det ble gjort» → a form with hours → one answer named after the button that opened it. */
  const walkShowCard = (title: string, inner: InlineCard, outerInputs: readonly CardInput[]) => {
    const innerInputs = inputsIn(inner.body);
    const submits: CardActionJson[] = [];
    const collect = (list: readonly CardActionJson[] | undefined) => list?.forEach((a) => submits.push(a));
    collect(inner.actions);
    const visit = (els: readonly CardElement[]) => {
      for (const e of els) {
        if (e.type === 'ActionSet') collect(e.actions);
        else if (e.type === 'Container') visit(e.items);
      }
    };
    visit(inner.body);
    const scope = [...innerInputs, ...outerInputs];
    for (const s of submits) {
      if (s.type === 'Action.Submit' || s.type === 'Action.Execute') {
        addOption(submits.length === 1 ? title : `${title}: ${s.title}`, s.data, s.associatedInputs === 'auto' ? scope : [], s.data.action);
      }
    }
  };

  const note = (ref: string, field: PrivateField) => (shown.get(ref) ?? shown.set(ref, new Set()).get(ref)!).add(field);

  const walk = (elements: readonly CardElement[], scopeInputs: readonly CardInput[]) => {
    for (const e of elements) {
      const mark = 'id' in e ? privatePartOf(e.id) : null;
      switch (e.type) {
        case 'TextBlock':
          // A heading naming the person, or the hand-over note: all or nothing.
          if (mark) {
            const field: PrivateField = mark.part === 'title' ? 'personName' : 'handoverNote';
            if (!opts.allowedFields(mark.ref).includes(field)) {
              withheld.add(mark.ref);
              // The heading's place goes to the card's fallback text, which never names anyone.
              if (mark.part === 'title' && card.fallbackText) lines.push(card.fallbackText);
              break;
            }
            note(mark.ref, field);
          }
          if (style === 'sms' && e.isSubtle && !mark) break;
          lines.push(e.text);
          break;
        case 'FactSet':
          if (mark) {
            // The details, field by field: only those this channel may carry.
            const allowed = allowedTitles(mark.ref);
            const show = e.facts.filter((f) => allowed.has(f.title));
            if (show.length < e.facts.length) withheld.add(mark.ref);
            for (const f of show) for (const field of fieldsOfTitle(f.title)) note(mark.ref, field);
            factLines(show, false);
          } else {
            factLines(e.facts, style === 'sms');
          }
          break;
        case 'Container':
          walk(e.items, scopeInputs);
          break;
        case 'ActionSet':
          walkActions(e.actions, scopeInputs);
          break;
        default:
          // Inputs are answered through the button that submits them.
          break;
      }
    }
  };

  const topInputs = inputsIn(card.body);
  walk(card.body, topInputs);
  walkActions(card.actions, topInputs);

  for (const ref of withheld) {
    const link = opts.linkFor?.(ref);
    const some = (shown.get(ref)?.size ?? 0) > 0;
    lines.push(link ? t(locale, some ? 'text.moreDetailsLink' : 'text.detailsLink', { link }) : t(locale, 'text.detailsInApp'));
  }
  if (formLeftOut) lines.push(t(locale, 'text.formInApp'));
  lines.push(...answerLines(options, opts));

  return {
    text: lines.map((l) => l.trim()).filter(Boolean).join('\n'),
    options,
    withheld: [...withheld],
    shown: [...shown.entries()].map(([ref, fields]) => ({ ref, fields: [...fields] })),
  };
}

/** Whether a form field starts with something in it: submitted without it, the form would say otherwise. */
function carriesValue(i: CardInput): boolean {
  if (i.type === 'Input.Toggle') return i.value === i.valueOn;
  return i.value !== undefined && String(i.value) !== '';
}

function describeInput(i: CardInput): TextInput {
  const label = 'label' in i && i.label ? i.label : i.type === 'Input.Toggle' ? i.title : i.id;
  const kind: TextInput['kind'] =
    i.type === 'Input.Number' ? 'number' : i.type === 'Input.Date' ? 'date' : i.type === 'Input.Time' ? 'time' : i.type === 'Input.Toggle' ? 'toggle' : i.type === 'Input.ChoiceSet' ? 'choice' : 'text';
  return { id: i.id, kind, label, required: Boolean(i.isRequired), ...(i.type === 'Input.ChoiceSet' ? { choices: i.choices } : {}) };
}

function answerLines(options: readonly TextOption[], opts: TextRenderOptions): string[] {
  if (options.length === 0) return [];
  const { locale, style } = opts;
  if (style === 'numbered') {
    const list = options.map((o) => (o.input ? t(locale, 'text.optionWithValue', { key: o.key, title: o.title, label: o.input.label.toLowerCase() }) : t(locale, 'text.option', { key: o.key, title: o.title })));
    return [...list, t(locale, 'text.answerNumbered')];
  }
  const lines = options.map((o) => {
    const answer = opts.code ? `${o.key} ${opts.code}` : o.key;
    const verb = o.data.action as ActionVerb;
    const phrase = KEYWORDS[verb]?.phrase;
    if (phrase && KEYWORDS[verb]?.[locale] === o.key) return t(locale, phrase, { answer });
    return o.input?.required ? t(locale, 'text.answerWithValue', { answer, title: o.title, label: o.input.label.toLowerCase() }) : t(locale, 'text.answer', { answer, title: o.title });
  });
  // A field one may fill or not («Vil du si noe mer? (valgfritt)»): said once, after the answers it goes with.
  const optional = options.find((o) => o.input && !o.input.required && !(KEYWORDS[o.data.action as ActionVerb]?.[locale] === o.key && KEYWORDS[o.data.action as ActionVerb]?.phrase));
  return optional ? [...lines, t(locale, 'text.optionalValue', { label: optional.input!.label })] : lines;
}

/**
 * The button data a text answer stands for, with the value that followed the key put where the form
 * field would have put it. An error key when the value does not fit the field (the command's own
 * validation still has the last word).
 */
export function answerData(option: TextOption, rest: string): { data: Record<string, unknown> } | { error: MessageKey } {
  const data: Record<string, unknown> = { ...option.data };
  const input = option.input;
  if (!input) return { data };
  const value = rest.trim();
  if (value === '') {
    if (input.required) return { error: 'text.valueMissing' };
    return { data };
  }
  switch (input.kind) {
    case 'number': {
      const n = Number(value.replace(',', '.').replace(/[^\d.-]/g, ''));
      if (!Number.isFinite(n) || value.replace(/[^\d]/g, '') === '') return { error: 'text.valueNumber' };
      data[input.id] = String(n);
      break;
    }
    case 'toggle':
      data[input.id] = /^(ja|yes|j|y|1|true)$/i.test(value) ? 'true' : 'false';
      break;
    case 'choice': {
      const wanted = value.toLowerCase();
      const choice = input.choices?.find((c) => c.value.toLowerCase() === wanted || c.title.toLowerCase() === wanted);
      if (!choice) return { error: 'text.valueChoice' };
      data[input.id] = choice.value;
      break;
    }
    default:
      data[input.id] = value;
  }
  return { data };
}

/** The tasks (assignment ids) whose details a card holds in marked elements (card.ts markPrivate). */
export function privateRefs(card: AdaptiveCard): string[] {
  const refs = new Set<string>();
  const walk = (elements: readonly CardElement[]) => {
    for (const e of elements) {
      const mark = 'id' in e ? privatePartOf(e.id) : null;
      if (mark) refs.add(mark.ref);
      if (e.type === 'Container') walk(e.items);
    }
  };
  walk(card.body);
  return [...refs];
}
