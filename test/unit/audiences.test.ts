// The rule of who is told what (domain/audiences.ts), as a table.
import { describe, expect, it } from 'vitest';
import { audienceOf, mayReceive, NOTICE_KINDS, recipientsOf, redactedInChannel, type Party } from '../../domain/audiences.ts';
import type { Role } from '../../domain/types.ts';

const centre = { coordinators: ['k-1'], staff: ['k-1', 's-1', 's-2'] };
const party = (memberId: string, role: Role, o: Partial<Party> = {}): Party => ({ memberId, role, centreIds: ['hamar'], reachable: true, ...o });
const to = (kind: Parameters<typeof recipientsOf>[0], p: Party | null, staff = centre) => recipientsOf(kind, { centreId: 'hamar', party: p }, staff);

describe('mayReceive', () => {
  it('gives staff notices to staff and coordinators only, askers\' notices to caregivers and people helped who asked themselves, volunteer notices to volunteers', () => {
    for (const kind of NOTICE_KINDS) {
      const audience = audienceOf(kind);
      for (const role of ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'] as const) {
        const expected = audience === 'staff' ? role === 'staff' || role === 'coordinator' : audience === 'asker' ? role === 'caregiver' || role === 'person' : role === audience;
        expect(mayReceive(kind, role), `${kind} → ${role}`).toBe(expected);
      }
    }
  });

  it('names the staff-only notices the issue lists as staff-only', () => {
    for (const kind of ['staff.concern', 'staff.unreachable', 'staff.assignmentCancelled', 'staff.notConfirmed', 'staff.escalation', 'staff.consentRenewal', 'staff.requestTaken'] as const) {
      expect(audienceOf(kind)).toBe('staff');
    }
  });
});

describe('recipientsOf', () => {
  it('tells the staff member who posted, in person', () => {
    expect(to('staff.concern', party('s-1', 'staff'))).toEqual({ members: ['s-1'], staffChannel: false });
  });

  it('escalates to the poster and the staff channel, so a colleague can step in', () => {
    expect(to('staff.escalation', party('s-1', 'staff'))).toEqual({ members: ['s-1'], staffChannel: true });
  });

  it('tells the coordinators and the channel, never the caregiver, when a caregiver asked', () => {
    for (const kind of ['staff.concern', 'staff.unreachable', 'staff.assignmentCancelled', 'staff.notConfirmed', 'staff.escalation', 'staff.requestTaken'] as const) {
      expect(to(kind, party('cg-1', 'caregiver'))).toEqual({ members: ['k-1'], staffChannel: true });
    }
  });

  it('tells the coordinators and the channel for a case system (unreachable), someone who left, or staff of another centre', () => {
    expect(to('staff.concern', party('api-1', 'staff', { reachable: false }))).toEqual({ members: ['k-1'], staffChannel: true });
    expect(to('staff.concern', null)).toEqual({ members: ['k-1'], staffChannel: true });
    expect(to('staff.concern', party('s-9', 'staff', { centreIds: ['stange'] }))).toEqual({ members: ['k-1'], staffChannel: true });
  });

  it('tells a person helped who asked for themselves their own notices, and their staff-only ones to the coordinators and channel (issue 19)', () => {
    expect(to('caregiver.taken', party('p-1', 'person'))).toEqual({ members: ['p-1'], staffChannel: false });
    expect(to('caregiver.reminder', party('p-1', 'person'))).toEqual({ members: ['p-1'], staffChannel: false });
    for (const kind of ['staff.concern', 'staff.unreachable', 'staff.assignmentCancelled', 'staff.notConfirmed', 'staff.escalation', 'staff.requestTaken', 'staff.consentRenewal'] as const) {
      expect(to(kind, party('p-1', 'person'))).toEqual({ members: ['k-1'], staffChannel: true });
    }
  });

  it('falls back to every staff member when the centre has no coordinator', () => {
    expect(to('staff.concern', party('cg-1', 'caregiver'), { coordinators: [], staff: ['s-1', 's-2'] })).toEqual({ members: ['s-1', 's-2'], staffChannel: true });
  });

  it('gives caregiver notices to the caregiver who asked, and to nobody for a staff member\'s request', () => {
    expect(to('caregiver.taken', party('cg-1', 'caregiver'))).toEqual({ members: ['cg-1'], staffChannel: false });
    expect(to('caregiver.taken', party('s-1', 'staff'))).toEqual({ members: [], staffChannel: false });
    expect(to('caregiver.volunteerCancelled', party('api-1', 'staff', { reachable: false }))).toEqual({ members: [], staffChannel: false });
  });

  it('sends centre-wide notices to every staff member, and the weekly figures to coordinators', () => {
    expect(to('staff.feedback', null)).toEqual({ members: ['k-1', 's-1', 's-2'], staffChannel: false });
    expect(to('staff.digest', null)).toEqual({ members: ['k-1'], staffChannel: false });
  });
});

describe('redactedInChannel', () => {
  it('keeps a concern, phones, a reason and the person out of the shared channel', () => {
    expect(NOTICE_KINDS.filter(redactedInChannel).sort()).toEqual(['staff.assignmentCancelled', 'staff.concern', 'staff.consentRenewal', 'staff.unreachable']);
  });
});
