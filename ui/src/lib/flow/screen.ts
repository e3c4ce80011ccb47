// The screens one window can show, and the small rules the flow and the screens share.
// RenewalFlow (flow.ts) moves between them; the Svelte components render them.
import type {
  BankRef,
  ErrorView,
  IdentityListing,
  IdentityView,
  IssuedCertificate,
  PrecheckItem,
  PrecheckKind,
  ProfileView,
  RenewalOutcome,
  Settings,
  StorageKind,
  UnfinishedRenewal,
} from '../backend/bindings';
import type { StepView } from './steps';

export type Screen =
  | { kind: 'loading' }
  // No bank profile in use: add the bank's profile file, or try the demo. `added`: the
  // last profile tried, with its problems when it did not load.
  | { kind: 'welcome'; profiles: ProfileView[]; added: ProfileView | null; busy: boolean }
  | {
      kind: 'settings';
      settings: Settings;
      profiles: ProfileView[];
      added: ProfileView | null;
      busy: boolean;
      error: ErrorView | null;
      saved: boolean;
    }
  | { kind: 'list'; listing: IdentityListing }
  // 電子証明書更新前処理中: the checks tick live; a failed one stops here and says what to
  // do; when all pass the flow moves on by itself. carriesOn: 続ける of an unfinished renewal.
  | { kind: 'precheck'; identity: IdentityView; checks: PrecheckItem[]; failed: PrecheckItem | null; carriesOn: boolean }
  // A renewal cut short: what happened, 続ける (only while its certificate is listed) or 破棄.
  | { kind: 'unfinished'; unfinished: UnfinishedRenewal; identity: IdentityView | null }
  // 更新: パソコンに保存する / 専用USBに保存する, when the bank offers both. tokenMissing: the
  // list could not read the token (or its software is missing): the USB choice shows the
  // manual's preparation text instead of failing later.
  | { kind: 'chooseStore'; identity: IdentityView; into: StorageKind; tokenMissing: boolean }
  // into: where the new certificate goes; null when only where it is now is offered.
  // carriesOn: 続ける on a renewal cut short (the unfinished screen said what it does).
  | { kind: 'consentRequest'; identity: IdentityView; into: StorageKind | null; carriesOn: boolean }
  // finalTry: the next entry may lock the token, so the screen asks for explicit confirmation.
  // askBankPassword: the bank wants its own password too (BankRef.asksPassword, or it said
  // so: bankAuthRequired). Without a token taking part only that password is asked.
  | {
      kind: 'pin';
      identity: IdentityView;
      into: StorageKind | null;
      error: ErrorView | null;
      finalTry: boolean;
      askBankPassword: boolean;
    }
  | { kind: 'issuing'; identity: IdentityView; into: StorageKind | null; renewalId: string | null; steps: StepView[] }
  | { kind: 'consentInstall'; identity: IdentityView; into: StorageKind | null; issued: IssuedCertificate; busy: boolean }
  | { kind: 'installing'; identity: IdentityView; into: StorageKind | null; issued: IssuedCertificate; steps: StepView[] }
  | { kind: 'done'; identity: IdentityView; into: StorageKind | null; outcome: RenewalOutcome }
  // 破棄 of an unfinished renewal: what it does, then (on a token) the PIN.
  | { kind: 'consentDiscard'; unfinished: UnfinishedRenewal; busy: boolean }
  | { kind: 'discardPin'; unfinished: UnfinishedRenewal; error: ErrorView | null; finalTry: boolean }
  // bank: the bank of the identity being renewed, whose support contact the screen shows
  // where calling the bank is the next step.
  | { kind: 'error'; error: ErrorView; bank?: BankRef | null };

export type ScreenKind = Screen['kind'];

/**
 * Whether the next PIN entry is the token's final try. The back end knows only the token's
 * final-try flag, so it says so either by refusing an unconfirmed try (pinFinalTry, nothing
 * sent) or by a wrong PIN that left one try (pinIncorrect with retriesLeft 1).
 */
export function atFinalTry(error: ErrorView | null): boolean {
  if (error?.code === 'pinFinalTry') return true;
  return error?.code === 'pinIncorrect' && error.retriesLeft === 1;
}

/** Whether a renewal of `identity` into `into` uses the USB token (and so its PIN). */
export function usesToken(identity: IdentityView, into: StorageKind | null): boolean {
  return identity.storage === 'usbToken' || into === 'usbToken';
}

/** The checks of 電子証明書更新前処理中, in the order the engine runs them. */
export const PRECHECK_ORDER: PrecheckKind[] = ['certificate', 'window', 'bank', 'token'];
