// The timings and limits the workers run by, taken from config so tests and demos can shorten them.
import type { Config } from '../infra/config.ts';
import { matchingSettings, type MatchingSettings } from '../infra/requests.ts';

export interface JobSettings {
  matching: MatchingSettings;
  /** Fixed wave timeout; null = scaled by time to start (domain/waves). */
  waveTimeoutMinutes: number | null;
  escalateHoursBefore: number;
  reminderOffsetsMinutes: number[];
  confirmDeadlineMinutes: number;
  followUpDelayMinutes: number;
  followUpAnswerDays: number;
  consentRenewNoticeDays: number;
  retentionDays: number;
  quietStart: string;
  quietEnd: string;
  dailyUpkeepAt: string;
  staffChannelDigestAt: string;
  /** A push device nothing reached for this many days is forgotten. */
  pushUnusedDays: number;
}

export function jobSettings(c: Config): JobSettings {
  return {
    matching: matchingSettings(c),
    waveTimeoutMinutes: c.WAVE_TIMEOUT_MINUTES ?? null,
    escalateHoursBefore: c.ESCALATE_HOURS_BEFORE,
    reminderOffsetsMinutes: c.REMINDER_OFFSETS_MINUTES,
    confirmDeadlineMinutes: c.CONFIRM_DEADLINE_MINUTES,
    followUpDelayMinutes: c.FOLLOW_UP_DELAY_MINUTES,
    followUpAnswerDays: c.FOLLOW_UP_ANSWER_DAYS,
    consentRenewNoticeDays: c.CONSENT_RENEW_NOTICE_DAYS,
    retentionDays: c.RETENTION_DAYS,
    quietStart: c.QUIET_HOURS_START,
    quietEnd: c.QUIET_HOURS_END,
    dailyUpkeepAt: c.DAILY_UPKEEP_AT,
    staffChannelDigestAt: c.STAFF_CHANNEL_DIGEST_AT,
    pushUnusedDays: c.PUSH_UNUSED_DAYS,
  };
}
