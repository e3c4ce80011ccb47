// Turns the stream of `renewal-progress` events into the rows of a progress list.
import type { ProgressEvent, RenewalStep } from '../backend/bindings';

export type StepState = 'pending' | 'running' | 'finished' | 'failed';
export interface StepView {
  step: RenewalStep;
  state: StepState;
}

const ORDER: RenewalStep[] = ['check', 'login', 'requirements', 'generateKey', 'request', 'verify', 'install', 'readBack', 'archive'];

/** Steps of start_renewal; a PC store has no PIN, so no login is expected without a token. */
export function issuingSteps(usesToken: boolean): StepView[] {
  const steps: RenewalStep[] = usesToken
    ? ['check', 'login', 'generateKey', 'request', 'verify']
    : ['check', 'generateKey', 'request', 'verify'];
  return steps.map((step) => ({ step, state: 'pending' }));
}

export function installingSteps(): StepView[] {
  return (['install', 'readBack', 'archive'] as const).map((step) => ({ step, state: 'pending' }));
}

const STATE_OF_PHASE: Record<ProgressEvent['phase'], StepState> = {
  started: 'running',
  finished: 'finished',
  failed: 'failed',
};

/**
 * Returns the list with the event applied. A step the list did not expect (the back end knows
 * better, e.g. a login on a PC store) is inserted in its natural place rather than dropped.
 */
export function applyProgress(steps: StepView[], event: ProgressEvent): StepView[] {
  const state = STATE_OF_PHASE[event.phase];
  if (steps.some((s) => s.step === event.step)) {
    return steps.map((s) => (s.step === event.step ? { ...s, state } : s));
  }
  const rank = ORDER.indexOf(event.step);
  const next = [...steps];
  const at = next.findIndex((s) => ORDER.indexOf(s.step) > rank);
  next.splice(at < 0 ? next.length : at, 0, { step: event.step, state });
  return next;
}
