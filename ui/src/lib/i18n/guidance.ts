// The words for the engine's guidance data: the checklist after a renewal and what an
// expired certificate still allows. The engine sends data only (kinds, names, dates); the
// sentences are here so both locales stay in the catalogs.
import type { ChecklistItem, ErrorCode, ExpiredGuidance, IdentityView, SupportContactView } from '../backend/bindings';
import { formatDate } from '../format/dates';
import { translate, type Locale } from './catalog';

/** One line of the 完了 screen's checklist. */
export function checklistText(locale: Locale, item: ChecklistItem): string {
  switch (item.kind) {
    case 'restartBrowser':
      return translate(locale, 'done.nextBrowser');
    case 'updateOtherSoftware':
      return translate(locale, 'done.nextSoftware');
    case 'renewOther': {
      const params = { name: item.subjectCn, date: formatDate(item.notAfter, locale), n: item.daysLeft };
      return item.renewalOpens === null
        ? translate(locale, 'done.nextOtherOpen', params)
        : translate(locale, 'done.nextOtherSoon', { ...params, opens: formatDate(item.renewalOpens, locale) });
    }
  }
}

/**
 * What an expired certificate still allows. The engine always sends it for an expired one;
 * without it (an older back end) nothing is promised: a reissue at the bank.
 */
export function expiredGuidance(identity: IdentityView): ExpiredGuidance | null {
  if (identity.status !== 'expired') return null;
  return identity.expired ?? { kind: 'reissue', support: null };
}

/** The short hint in the list's status column. */
export function expiredHint(locale: Locale, guidance: ExpiredGuidance): string {
  return guidance.kind === 'reacquire'
    ? translate(locale, 'list.reacquireHint', { date: formatDate(guidance.until, locale) })
    : translate(locale, 'list.reissueHint');
}

/** The body of the 重要なお知らせ entry for an expired certificate. */
export function expiredBody(locale: Locale, identity: IdentityView, guidance: ExpiredGuidance): string {
  const params = { name: identity.subjectCn, expiry: formatDate(identity.notAfter, locale) };
  return guidance.kind === 'reacquire'
    ? translate(locale, 'list.reacquireBody', { ...params, until: formatDate(guidance.until, locale) })
    : translate(locale, 'list.reissueBody', params);
}

/** The bank's support contact as lines (name, phone, hours, website), as the profile gives them. */
export function contactLines(locale: Locale, support: SupportContactView | null): string[] {
  if (!support) return [translate(locale, 'list.contactBank')];
  const lines = [
    support.name,
    support.phone && translate(locale, 'list.contactPhone', { phone: support.phone }),
    support.hours && translate(locale, 'list.contactHours', { hours: support.hours }),
    support.url && translate(locale, 'list.contactUrl', { url: support.url }),
  ].filter((line): line is string => !!line);
  return lines.length > 0 ? lines : [translate(locale, 'list.contactBank')];
}

/**
 * Where the next step is to call the bank, its support contact is shown with the error (the
 * error screen and 電子証明書更新前処理中 alike). A bank that cannot be reached is one: when
 * trying again later does not help, the bank knows whether its server is down.
 */
export const CALL_THE_BANK: readonly ErrorCode[] = [
  'bankUnreachable',
  'bankRejected',
  'certificateMismatch',
  'issuedNotLonger',
  'bankAuthRequired',
  'bankRequirementUnsupported',
  'storeNotOffered',
  'pinLocked',
  'notRenewable',
];
