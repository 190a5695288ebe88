// What the poster is told right after saving a request, so the answer is true at that moment: held
// until staff confirm a caregiver link or a person's consent, gone out to nobody, held by quiet hours
// until morning, or sent. Each audience (staff, caregiver, a person asking for themselves in chat or
// by SMS) words it its own way; the decision is this one.
import type { BroadcastHold } from './consent.ts';

export type SavedRequestStanding = 'awaitingLink' | 'waitingConsent' | 'noneEligible' | 'heldUntilMorning' | 'sent';

export function savedRequestStanding(saved: { heldFor: BroadcastHold | null; offered: number; goesOutAt: Date | null }): SavedRequestStanding {
  if (saved.heldFor === 'link') return 'awaitingLink';
  if (saved.heldFor === 'consent') return 'waitingConsent';
  if (saved.offered === 0) return 'noneEligible';
  return saved.goesOutAt ? 'heldUntilMorning' : 'sent';
}
