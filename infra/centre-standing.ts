// A volunteer's standing is per centre (approval, pause and removal are each centre's own decision).

/**
 * SQL over `volunteers v` and `volunteer_centres vc`: the volunteer's status at that centre. A link
 * without one of its own (written before standing was per centre) has the volunteer's own status.
 */
export const CENTRE_STANDING = 'COALESCE(vc.status, v.status)';
