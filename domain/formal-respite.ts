// Formal respite (avlastningsplass, avlastningsopphold, omsorgsstønad, korttidsopphold) is a municipal
// decision (vedtak) made by the allocation office, never a volunteer's task (brief: "Kinds of help").
// This is the one place that says which words mean someone is asking for it.

/**
 * Word stems of formal respite, as people write them: inflected («avlastningsplassen»,
 * «vedtaket»), in compounds («omsorgsstønadssøknad») and in English. Matched at the start of a word.
 */
const FORMAL_RESPITE_STEMS = [
  'avlastningsplass',
  'avlastningsopphold',
  'omsorgsstønad',
  'omsorgslønn',
  'korttidsopphold',
  'korttidsplass',
  'vedtak',
  'respite stay',
  'respite care placement',
  'short-term stay',
  'care allowance',
];

function normalise(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
}

/** Whether any of the texts asks about formal respite. */
export function asksForFormalRespite(...texts: ReadonlyArray<string | null | undefined>): boolean {
  return texts.some((text) => {
    if (!text) return false;
    const haystack = normalise(text);
    return FORMAL_RESPITE_STEMS.some((stem) => {
      for (let at = haystack.indexOf(stem); at !== -1; at = haystack.indexOf(stem, at + 1)) {
        if (at === 0 || !/[\p{L}\p{N}]/u.test(haystack[at - 1]!)) return true;
      }
      return false;
    });
  });
}
