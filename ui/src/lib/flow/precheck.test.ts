// 電子証明書更新前処理中 and the screen of a renewal cut short, driven through the flow with
// the fake back end (which follows the engine's rules for each check).
import { describe, expect, it } from 'vitest';
import { FAKE_PIN, FakeBackend, type FakeOptions } from '../backend/fake';
import { RenewalFlow, type Screen } from './flow';

const NOW = new Date('2026-11-24T03:00:00Z');

async function started(options: FakeOptions = {}) {
  const backend = new FakeBackend({ now: NOW, ...options });
  const flow = new RenewalFlow(backend);
  const seen: Screen[] = [];
  flow.subscribe((s) => seen.push(s));
  await flow.start();
  return { backend, flow, seen };
}

function screen<K extends Screen['kind']>(flow: RenewalFlow, kind: K): Extract<Screen, { kind: K }> {
  expect(flow.screen.kind).toBe(kind);
  return flow.screen as Extract<Screen, { kind: K }>;
}

const usb = (flow: RenewalFlow) => screen(flow, 'list').listing.identities.find((i) => i.storage === 'usbToken')!;

const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];

/** Each check's state in every precheck screen shown, as "check:state" strings. */
function ticks(seen: Screen[]): string[][] {
  return seen.flatMap((s) => (s.kind === 'precheck' ? [s.checks.map((c) => `${c.check}:${c.state}`)] : []));
}

describe('電子証明書更新前処理中', () => {
  it('ticks each check live, in order, then moves on by itself', async () => {
    const { flow, seen } = await started();
    await flow.renew(usb(flow).fingerprint);
    screen(flow, 'consentRequest');
    const shown = ticks(seen);
    expect(shown[0]).toEqual(['certificate:waiting', 'window:waiting', 'bank:waiting', 'token:waiting']);
    // Every check was seen running before it passed, one after the other.
    for (const [n, check] of ['certificate', 'window', 'bank', 'token'].entries()) {
      const running = shown.findIndex((s) => s[n] === `${check}:running`);
      const passed = shown.findIndex((s) => s[n] === `${check}:passed`);
      expect(running, check).toBeGreaterThan(0);
      expect(passed, check).toBeGreaterThan(running);
      if (n > 0) expect(shown[running]![n - 1]).toMatch(/:passed$/);
    }
    expect(last(shown)).toEqual(['certificate:passed', 'window:passed', 'bank:passed', 'token:passed']);
  });

  it.each([
    ['certificate', 'notFound'],
    ['window', 'outsideWindow'],
    ['bank', 'bankUnreachable'],
    ['bank', 'bankNotTrusted'],
    ['token', 'tokenAbsent'],
    ['token', 'pinLocked'],
  ] as const)('a failed %s check (%s) stops there; 再確認 asks again, Esc goes back', async (check, code) => {
    const { backend, flow } = await started({ precheckFail: { check, code } });
    await flow.renew(usb(flow).fingerprint);
    const s = screen(flow, 'precheck');
    expect(s.failed?.check).toBe(check);
    expect(s.failed?.error?.code).toBe(code);
    const after = s.checks.slice(s.checks.findIndex((c) => c.check === check) + 1);
    expect(after.every((c) => c.state === 'waiting')).toBe(true);
    expect(backend.pendingCount).toBe(0);

    await flow.retryPrecheck();
    expect(screen(flow, 'precheck').failed?.error?.code).toBe(code);
    await flow.escape();
    screen(flow, 'list');
  });

  it('a certificate on this PC needs no token check; both stores offered go on to 更新', async () => {
    const both = { cn: 'SATO HANAKO', days: 12, storage: 'thisPc' as const, renewableInto: ['thisPc' as const, 'usbToken' as const] };
    const { flow, seen } = await started({ identities: [both] });
    await flow.renew(screen(flow, 'list').listing.identities[0]!.fingerprint);
    screen(flow, 'chooseStore');
    expect(last(ticks(seen))?.[3]).toBe('token:notNeeded');
  });

  it('a certificate before its window is stopped at the window check', async () => {
    const { flow } = await started();
    const pc = screen(flow, 'list').listing.identities.find((i) => i.storage === 'thisPc')!;
    expect(pc.status).toBe('valid');
    await flow.renew(pc.fingerprint);
    expect(screen(flow, 'precheck').failed?.error?.code).toBe('outsideWindow');
  });

  it('few PIN tries left pass with a warning (the PIN screen asks to confirm the final try)', async () => {
    const { flow, seen } = await started({ pinTries: 1 });
    await flow.renew(usb(flow).fingerprint);
    screen(flow, 'consentRequest');
    const prechecks = seen.filter((s) => s.kind === 'precheck');
    const last = prechecks[prechecks.length - 1];
    expect(last?.kind === 'precheck' && last.checks[3]?.pin).toEqual({ finalTry: true, countLow: true });
  });

  it('cancelled while checking, its answer is dropped', async () => {
    const { flow } = await started({ delayMs: 5 });
    const running = flow.renew(usb(flow).fingerprint);
    screen(flow, 'precheck');
    flow.cancelPrecheck();
    await running;
    screen(flow, 'list');
  });
});

describe('a renewal cut short', () => {
  it('the window opens on it; 一覧へ and Esc go to the list; 更新 opens it again', async () => {
    const { flow } = await started({ unfinished: [{ identity: 0, stage: 'awaitingInstall' }] });
    const s = screen(flow, 'unfinished');
    expect(s.unfinished.stage).toBe('awaitingInstall');
    expect(s.identity?.storage).toBe('usbToken');
    flow.closeUnfinished();
    screen(flow, 'list');
    await flow.renew(usb(flow).fingerprint);
    screen(flow, 'unfinished');
    await flow.escape();
    screen(flow, 'list');
  });

  it('続ける runs the checks, then carries it on into its own store (no store choice)', async () => {
    const both = { cn: 'YAMADA TARO', days: 12, storage: 'usbToken' as const, renewableInto: ['usbToken' as const, 'thisPc' as const] };
    const { flow, seen } = await started({ identities: [both], unfinished: [{ identity: 0, stage: 'pending' }] });
    await flow.continueUnfinished();
    expect(last(ticks(seen))).toEqual(['certificate:passed', 'window:passed', 'bank:passed', 'token:passed']);
    expect(seen.some((x) => x.kind === 'precheck' && x.carriesOn)).toBe(true);
    const consent = screen(flow, 'consentRequest');
    expect(consent.into).toBeNull();
    // Consent 1 says it carries on, not that a new key is made.
    expect(consent.carriesOn).toBe(true);
  });

  it('carrying on is allowed outside the window (the bank may still issue)', async () => {
    const { flow } = await started({ unfinished: [{ identity: 1, stage: 'pending' }] });
    expect(screen(flow, 'unfinished').identity?.status).toBe('valid');
    await flow.continueUnfinished();
    screen(flow, 'consentRequest');
  });

  it('one whose certificate is gone can only be discarded', async () => {
    const { flow } = await started({ unfinished: [{ gone: true, stage: 'archiving' }] });
    expect(screen(flow, 'unfinished').identity).toBeNull();
    await flow.continueUnfinished();
    screen(flow, 'unfinished');
    flow.discardUnfinished();
    await flow.answerDiscardConsent(true);
    await flow.submitDiscardPin(FAKE_PIN); // it was on the token
    expect(screen(flow, 'list').listing.unfinished).toHaveLength(0);
  });

  it('opens from the list by its id', async () => {
    const { flow } = await started({ unfinished: [{ gone: true, stage: 'pending' }] });
    flow.closeUnfinished();
    const [u] = screen(flow, 'list').listing.unfinished;
    flow.openUnfinished(u!.renewalId);
    expect(screen(flow, 'unfinished').unfinished.renewalId).toBe(u!.renewalId);
  });
});
