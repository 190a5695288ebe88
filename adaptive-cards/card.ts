// The subset of Adaptive Cards 1.5 that our builders emit, typed so that a builder cannot forget an
// input label or leave text unwrapped, plus small element helpers. Plain data, no I/O.
import type { Locale } from '../domain/types.ts';

export type Channel = 'teams' | 'webchat';

/** How a Bot Framework channel shows cards: Teams' renderer, or Web Chat's (any other channel that renders cards). */
export function cardChannelOf(channelId: string | undefined): Channel {
  return channelId === 'msteams' ? 'teams' : 'webchat';
}

/** Who the card is for: language, and which client renders it (Teams gets Action.Execute). */
export interface CardContext {
  readonly locale: Locale;
  readonly channel: Channel;
}

export type Spacing = 'none' | 'small' | 'default' | 'medium' | 'large' | 'extraLarge';
export type TextColor = 'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
export type ActionStyle = 'default' | 'positive' | 'destructive';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  /** Always true: long Norwegian words and large system fonts must never be cut off. */
  wrap: true;
  id?: string;
  style?: 'default' | 'heading';
  size?: 'small' | 'default' | 'medium' | 'large' | 'extraLarge';
  weight?: 'lighter' | 'default' | 'bolder';
  color?: TextColor;
  isSubtle?: boolean;
  spacing?: Spacing;
  separator?: boolean;
}

export interface Fact {
  title: string;
  value: string;
}

export interface FactSet {
  type: 'FactSet';
  facts: Fact[];
  id?: string;
  spacing?: Spacing;
  separator?: boolean;
}

export interface Container {
  type: 'Container';
  items: CardElement[];
  id?: string;
  style?: ContainerStyle;
  spacing?: Spacing;
  separator?: boolean;
  /** Hidden until an Action.ToggleVisibility shows it; its inputs are still sent (and validated). */
  isVisible?: boolean;
}

export interface ActionSet {
  type: 'ActionSet';
  actions: CardActionJson[];
  spacing?: Spacing;
}

interface InputBase {
  id: string;
  /** Visible label, read by screen readers (Adaptive Cards 1.3+). Required by our types. */
  label: string;
  isRequired?: boolean;
  errorMessage?: string;
  spacing?: Spacing;
}

export interface InputText extends InputBase {
  type: 'Input.Text';
  value?: string;
  placeholder?: string;
  maxLength?: number;
  isMultiline?: boolean;
  style?: 'text' | 'tel' | 'email' | 'url';
  regex?: string;
}

export interface InputNumber extends InputBase {
  type: 'Input.Number';
  value?: number;
  min?: number;
  max?: number;
  placeholder?: string;
}

export interface InputDate extends InputBase {
  type: 'Input.Date';
  /** YYYY-MM-DD */
  value?: string;
  min?: string;
  max?: string;
}

export interface InputTime extends InputBase {
  type: 'Input.Time';
  /** HH:mm */
  value?: string;
  min?: string;
  max?: string;
}

/** A checkbox: its `title` is the text beside the box and its accessible name, so no label needed. */
export interface InputToggle extends Omit<InputBase, 'label'> {
  type: 'Input.Toggle';
  label?: string;
  title: string;
  value: 'true' | 'false';
  valueOn: 'true';
  valueOff: 'false';
  wrap: true;
}

export interface Choice {
  title: string;
  value: string;
}

export interface InputChoiceSet extends InputBase {
  type: 'Input.ChoiceSet';
  choices: Choice[];
  isMultiSelect?: boolean;
  style?: 'compact' | 'expanded';
  /** Multi-select values are comma-separated. */
  value?: string;
  placeholder?: string;
  wrap: true;
}

export type CardInput = InputText | InputNumber | InputDate | InputTime | InputToggle | InputChoiceSet;
export type CardElement = TextBlock | FactSet | Container | ActionSet | CardInput;

export interface ExecuteAction {
  type: 'Action.Execute';
  title: string;
  verb: string;
  data: Record<string, unknown> & { action: string };
  associatedInputs: 'auto' | 'none';
  style?: ActionStyle;
  id?: string;
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: Record<string, unknown> & { action: string };
  associatedInputs: 'auto' | 'none';
  style?: ActionStyle;
  id?: string;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
  style?: ActionStyle;
}

/** A card shown inline under the button, e.g. an "are you sure?" step or a short explanation. */
export interface ShowCardAction {
  type: 'Action.ShowCard';
  title: string;
  card: InlineCard;
  style?: ActionStyle;
}

/** Shows or hides elements of the card in the client, without a round trip (Teams and Web Chat). */
export interface ToggleVisibilityAction {
  type: 'Action.ToggleVisibility';
  title: string;
  targetElements: string[];
  style?: ActionStyle;
  id?: string;
}

export type CardActionJson = ExecuteAction | SubmitAction | OpenUrlAction | ShowCardAction | ToggleVisibilityAction;

export interface InlineCard {
  type: 'AdaptiveCard';
  body: CardElement[];
  actions?: CardActionJson[];
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.5';
  lang: Locale;
  fallbackText?: string;
  body: CardElement[];
  actions?: CardActionJson[];
  /** Teams only: let forms use the full chat width. Other hosts ignore it. */
  msteams?: { width: 'Full' };
  /**
   * Teams only (Universal Actions): the clients of `userIds` (user MRIs, at most 60) fetch their own
   * view of this card with `action` when they show it; everyone else sees the card as sent.
   */
  refresh?: { action: ExecuteAction; userIds: string[] };
}

// ---- helpers ---------------------------------------------------------------------------------

export function adaptiveCard(
  ctx: CardContext,
  body: CardElement[],
  opts: { actions?: CardActionJson[]; fallbackText?: string; fullWidth?: boolean } = {},
): AdaptiveCard {
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    lang: ctx.locale,
    body,
  };
  if (opts.fallbackText) card.fallbackText = opts.fallbackText;
  if (opts.actions && opts.actions.length > 0) card.actions = opts.actions;
  if (opts.fullWidth && ctx.channel === 'teams') card.msteams = { width: 'Full' };
  return card;
}

export function heading(text: string, opts: Partial<Omit<TextBlock, 'type' | 'text' | 'wrap'>> = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, style: 'heading', size: 'large', weight: 'bolder', ...opts };
}

export function subheading(text: string, opts: Partial<Omit<TextBlock, 'type' | 'text' | 'wrap'>> = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, size: 'medium', weight: 'bolder', spacing: 'medium', ...opts };
}

export function text(value: string, opts: Partial<Omit<TextBlock, 'type' | 'text' | 'wrap'>> = {}): TextBlock {
  return { type: 'TextBlock', text: value, wrap: true, ...opts };
}

export function facts(list: ReadonlyArray<Fact | null | undefined | false>, opts: Partial<Omit<FactSet, 'type' | 'facts'>> = {}): FactSet {
  return { type: 'FactSet', facts: list.filter((f): f is Fact => Boolean(f)), ...opts };
}

export function container(items: CardElement[], opts: Partial<Omit<Container, 'type' | 'items'>> = {}): Container {
  return { type: 'Container', items, ...opts };
}

/** One ActionSet per call; several calls stack buttons vertically, one per row (big touch targets). */
export function actionSet(actions: CardActionJson[], opts: Partial<Omit<ActionSet, 'type' | 'actions'>> = {}): ActionSet {
  return { type: 'ActionSet', actions, ...opts };
}

/** A button that shows (and hides again) the elements with these ids: optional parts of a form. */
export function toggleVisibility(title: string, targetElements: string[]): ToggleVisibilityAction {
  return { type: 'Action.ToggleVisibility', title, targetElements };
}

export function showCard(title: string, body: CardElement[], actions: CardActionJson[] = [], style?: ActionStyle): ShowCardAction {
  const card: InlineCard = { type: 'AdaptiveCard', body };
  if (actions.length > 0) card.actions = actions;
  const action: ShowCardAction = { type: 'Action.ShowCard', title, card };
  if (style) action.style = style;
  return action;
}

/**
 * An element of a card that holds a person's details (rule 3), marked by its id so that a renderer for
 * a channel that may not carry them (SMS: adaptive-cards/text.ts) can hold it back. `ref` is the
 * assignment the details belong to: whoever holds a part back offers a one-time link to that task.
 * 'facts' lists the details, 'note' is the hand-over note, 'title' a heading that names the person.
 * `n` tells apart several elements of one part (ids stay unique in a card).
 */
export type PrivatePart = 'facts' | 'note' | 'title';

export function markPrivate<E extends TextBlock | FactSet>(part: PrivatePart, ref: string, element: E, n = 1): E {
  return { ...element, id: `private-${part}-${ref}${n > 1 ? `~${n}` : ''}` };
}

/** The part and assignment a markPrivate id names; null for any other id. */
export function privatePartOf(id: string | undefined): { part: PrivatePart; ref: string } | null {
  const m = id ? /^private-(facts|note|title)-([^~]+)(?:~\d+)?$/.exec(id) : null;
  return m ? { part: m[1] as PrivatePart, ref: m[2]! } : null;
}

/** `tel:` URL from a phone number as typed ("912 34 567" → "tel:91234567"). */
export function telUrl(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** First letter upper-case ("mandag" → "Mandag"). */
export function capitalize(s: string): string {
  return s.length === 0 ? s : s.charAt(0).toLocaleUpperCase('nb') + s.slice(1);
}

/** One ActionSet per button, so buttons stack one per row whatever the host does (big touch targets). */
export function stackedButtons(actions: CardActionJson[]): ActionSet[] {
  return actions.map((a, i) => actionSet([a], i === 0 ? { spacing: 'medium' } : {}));
}
