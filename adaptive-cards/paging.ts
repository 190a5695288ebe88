// One page of a long staff list: a card has room for about 20 entries, so the rest come a page at
// a time behind «Vis flere». The button carries where the next page starts (`offset`).
import type { ActionData } from './action.ts';
import { actionButton } from './action.ts';
import type { CardContext, CardElement } from './card.ts';
import { actionSet, text } from './card.ts';
import { t } from './texts.ts';

export interface Page<T> {
  shown: readonly T[];
  /** Below the entries: «Viser 21–40 av 55.» and «Vis flere» while more are left. */
  footer: CardElement[];
}

/**
 * The entries from `offset` on. `total` given: `items` are already that page (the query paged them);
 * otherwise `items` are the whole list.
 */
export function page<T>(ctx: CardContext, items: readonly T[], opts: { offset: number; limit: number; total?: number | undefined; more: (offset: number) => ActionData }): Page<T> {
  const { locale, channel } = ctx;
  const total = opts.total ?? items.length;
  const from = Math.min(opts.offset, total);
  const shown = opts.total === undefined ? items.slice(from, from + opts.limit) : items.slice(0, opts.limit);
  const next = from + shown.length;
  const footer: CardElement[] = [];
  if (from === 0 && next < total) footer.push(text(t(locale, 'common.showing', { shown: shown.length, total }), { isSubtle: true }));
  if (from > 0) footer.push(text(t(locale, 'common.showingRange', { from: from + 1, to: next, total }), { isSubtle: true }));
  if (next < total) footer.push(actionSet([actionButton(channel, t(locale, 'common.showMore'), opts.more(next))]));
  return { shown, footer };
}
