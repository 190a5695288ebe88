// The confidentiality declaration (taushetserklæring) every volunteer signs before getting offers.
// Bump the version whenever its text (adaptive-cards/declaration.ts) changes in substance: every
// volunteer must then sign again before they get offers.
export const CURRENT_DECLARATION_VERSION = 1;
