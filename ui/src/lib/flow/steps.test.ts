import { describe, expect, it } from 'vitest';
import { applyProgress, issuingSteps } from './steps';

const ev = (step: 'check' | 'login' | 'request', phase: 'started' | 'finished' | 'failed') => ({
  renewalId: 'r1',
  step,
  phase,
  error: null,
});

describe('applyProgress', () => {
  it('maps phases to row states', () => {
    let steps = issuingSteps(true);
    steps = applyProgress(steps, ev('check', 'started'));
    expect(steps[0]?.state).toBe('running');
    steps = applyProgress(steps, ev('check', 'finished'));
    steps = applyProgress(steps, ev('request', 'failed'));
    expect(steps.map((s) => s.state)).toEqual(['finished', 'pending', 'pending', 'failed', 'pending']);
  });

  it('inserts an unexpected step in its natural place', () => {
    const steps = applyProgress(issuingSteps(false), ev('login', 'started'));
    expect(steps.map((s) => s.step)).toEqual(['check', 'login', 'generateKey', 'request', 'verify']);
  });
});
