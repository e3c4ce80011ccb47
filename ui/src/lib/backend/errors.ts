// Commands reject with an ErrorView, but the IPC layer itself can reject with a bare string
// (unknown command, serialization failure). Normalising here means the screens only ever see
// an ErrorView whose code they can translate.
import type { ErrorCode, ErrorView } from './bindings';

/** Every ErrorCode, checked against the generated union below so a new code fails the build. */
export const ERROR_CODES = [
  'noBankProfile',
  'storeNotOffered',
  'unfinishedElsewhere',
  'bankAuthRequired',
  'bankRequirementUnsupported',
  'tokenAbsent',
  'moduleMissing',
  'demoNeedsSoftHsm',
  'tokenRemoved',
  'pinIncorrect',
  'pinFinalTry',
  'pinLocked',
  'cancelled',
  'notFound',
  'bankUnreachable',
  'bankNotTrusted',
  'bankRejected',
  'certificateMismatch',
  'stillPending',
  'outsideWindow',
  'renewalUnknown',
  'alreadyRenewed',
  'renewalInProgress',
  'notRenewable',
  'issuedNotLonger',
  'issuedNotYetValid',
  'notSaved',
  'invalidRequest',
  'internal',
] as const satisfies readonly ErrorCode[];

type MissingCode = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
// Fails to compile if bindings.ts gains a code that ERROR_CODES lacks.
const exhaustive: MissingCode extends never ? true : false = true;
void exhaustive;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function toErrorView(err: unknown): ErrorView {
  if (typeof err === 'object' && err !== null && 'code' in err && isErrorCode(err.code)) {
    const e = err as Partial<ErrorView> & { code: ErrorCode };
    return {
      code: e.code,
      retriesLeft: typeof e.retriesLeft === 'number' ? e.retriesLeft : null,
      at: typeof e.at === 'string' ? e.at : null,
      detail: typeof e.detail === 'string' ? e.detail : null,
      ...(typeof e.nativeCode === 'string' ? { nativeCode: e.nativeCode } : {}),
      // The store that failed: the error screen's preparation text depends on it.
      ...(e.into === 'thisPc' || e.into === 'usbToken' ? { into: e.into } : {}),
      // The token says few PIN tries are left: 「残りわずか」 on the PIN screen.
      ...(e.fewLeft === true ? { fewLeft: true } : {}),
    };
  }
  const detail = err instanceof Error ? err.message : typeof err === 'string' ? err : null;
  return { code: 'internal', retriesLeft: null, at: null, detail };
}
