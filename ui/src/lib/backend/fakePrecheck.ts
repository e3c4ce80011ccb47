// The fake back end's 電子証明書更新前処理中, by the engine's rules
// (src-tauri/crates/shomei-engine/src/renewal/precheck.rs): the checks run in order, each
// reported running then passed or failed; a failed one leaves the rest waiting. The
// certificate must be listed; a fresh renewal must be in its window and renewable (carrying
// one on, it need not); the bank passes; the token check runs only when the renewal uses
// the token: a locked PIN fails, few tries left pass with a warning.
import type {
  ErrorCode,
  ErrorView,
  IdentityView,
  PinWarning,
  PrecheckItem,
  PrecheckKind,
  PrecheckReport,
  UnfinishedRenewal,
} from './bindings';

export interface FakePrecheckState {
  identity: IdentityView | undefined;
  fingerprint: string;
  unfinished: UnfinishedRenewal | undefined;
  /** The token's hidden PIN counter (0: locked, 1: final try). */
  pinTries: number;
  pinTriesFull: number;
  /** Make this check fail with this code, whatever the state says. */
  fail?: { check: PrecheckKind; code: ErrorCode };
  error: (code: ErrorCode) => ErrorView;
  /** Waits before each reported change (the fake's delay). */
  pause: () => Promise<void>;
}

const ORDER: PrecheckKind[] = ['certificate', 'window', 'bank', 'token'];

export async function fakePrecheck(
  state: FakePrecheckState,
  onCheck: (item: PrecheckItem) => void,
): Promise<PrecheckReport> {
  const items: PrecheckItem[] = ORDER.map((check) => ({ check, state: 'waiting', error: null, pin: null }));
  const report = (): PrecheckReport => ({
    fingerprint: state.fingerprint,
    checks: items.map((i) => ({ ...i })),
    passed: items.every((i) => i.state === 'passed' || i.state === 'notNeeded'),
    carriesOn: state.unfinished !== undefined,
  });
  const update = async (n: number, change: Partial<PrecheckItem>) => {
    await state.pause();
    items[n] = { ...items[n]!, ...change };
    onCheck({ ...items[n]! });
  };
  const { identity, unfinished } = state;
  const usesToken = identity?.storage === 'usbToken' || unfinished?.storage === 'usbToken';
  for (const [n, check] of ORDER.entries()) {
    if (check === 'token' && !usesToken) {
      await update(n, { state: 'notNeeded' });
      break;
    }
    await update(n, { state: 'running' });
    const code = state.fail?.check === check ? state.fail.code : failure(check, state);
    if (code) {
      await update(n, { state: 'failed', error: state.error(code) });
      break;
    }
    await update(n, { state: 'passed', pin: check === 'token' ? pinWarning(state) : null });
  }
  return report();
}

/** What the state itself fails a check with. */
function failure(check: PrecheckKind, { identity, unfinished, pinTries }: FakePrecheckState): ErrorCode | null {
  switch (check) {
    case 'certificate':
      return identity || unfinished ? null : 'notFound';
    case 'window':
      if (unfinished) return null;
      if (identity?.notRenewable) return 'notRenewable';
      return identity?.status === 'renewalOpen' ? null : 'outsideWindow';
    case 'bank':
      return null;
    case 'token':
      return pinTries === 0 ? 'pinLocked' : null;
  }
}

function pinWarning({ pinTries, pinTriesFull }: FakePrecheckState): PinWarning | null {
  if (pinTries >= pinTriesFull) return null;
  return { finalTry: pinTries === 1, countLow: true };
}
