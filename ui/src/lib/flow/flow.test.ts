import { describe, expect, it, vi } from 'vitest';
import { FAKE_PIN, FakeBackend, type FakeOptions } from '../backend/fake';
import { RenewalFlow, usesToken, type Screen } from './flow';

const NOW = new Date('2026-11-24T03:00:00Z');

async function started(options: FakeOptions = {}) {
  const backend = new FakeBackend({ now: NOW, ...options });
  const flow = new RenewalFlow(backend);
  const seen: Screen['kind'][] = [];
  flow.subscribe((s) => seen.push(s.kind));
  await flow.start();
  return { backend, flow, seen };
}

function screen<K extends Screen['kind']>(flow: RenewalFlow, kind: K): Extract<Screen, { kind: K }> {
  expect(flow.screen.kind).toBe(kind);
  return flow.screen as Extract<Screen, { kind: K }>;
}

function usbIdentity(flow: RenewalFlow) {
  const usb = screen(flow, 'list').listing.identities.find((i) => i.storage === 'usbToken');
  if (!usb) throw new Error('the fake should list a USB identity');
  return usb;
}

describe('RenewalFlow', () => {
  it('walks the whole USB renewal and shows the new expiry afterwards', async () => {
    const { flow, seen } = await started();
    const old = usbIdentity(flow);
    expect(old.status).toBe('renewalOpen');
    expect(old.daysLeft).toBe(12);

    await flow.renew(old.fingerprint);
    expect(screen(flow, 'consentRequest').carriesOn).toBe(false);
    await flow.answerRequestConsent(true);
    screen(flow, 'pin');
    await flow.submitPin(FAKE_PIN);

    const consent = screen(flow, 'consentInstall');
    expect(consent.issued.details.subjectCn).toBe(old.subjectCn);
    await flow.answerInstallConsent(true);

    const done = screen(flow, 'done');
    expect(done.outcome.replacedFingerprint).toBe(old.fingerprint);
    expect(done.outcome.checklist.map((i) => i.kind)).toEqual(['restartBrowser', 'updateOtherSoftware', 'renewOther']);
    expect(seen).toContain('issuing');
    expect(seen).toContain('installing');

    await flow.backToList();
    const renewed = screen(flow, 'list').listing.identities.find((i) => i.storage === 'usbToken');
    expect(renewed?.notAfter).toBe(done.outcome.installed.notAfter);
    expect(renewed?.status).toBe('valid');
  });

  it('drives the progress list from events: every issuing step ends finished', async () => {
    const { flow } = await started();
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    const snapshots: string[] = [];
    const stop = flow.subscribe((s) => {
      if (s.kind === 'issuing') snapshots.push(s.steps.map((x) => `${x.step}:${x.state}`).join(','));
    });
    await flow.submitPin(FAKE_PIN);
    stop();
    expect(snapshots[0]).toBe('check:pending,login:pending,generateKey:pending,request:pending,verify:pending');
    expect(snapshots[snapshots.length - 1]).toBe('check:finished,login:finished,generateKey:finished,request:finished,verify:finished');
    expect(snapshots.some((s) => s.includes('request:running'))).toBe(true);
  });

  it('skips the PIN for a certificate on this PC', async () => {
    const { flow } = await started({ identities: [{ cn: 'SATO HANAKO', days: 12, storage: 'thisPc' }] });
    const [pc] = screen(flow, 'list').listing.identities;
    await flow.renew(pc!.fingerprint);
    await flow.answerRequestConsent(true);
    screen(flow, 'consentInstall');
  });

  it('returns to the list without calling the back end on consent 1 "no"', async () => {
    const { flow } = await started();
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(false);
    screen(flow, 'list');
  });

  it('cancels the renewal on consent 2 "no" and keeps the old certificate', async () => {
    const { flow, backend } = await started();
    const old = usbIdentity(flow);
    await flow.renew(old.fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    const { issued } = screen(flow, 'consentInstall');
    await flow.answerInstallConsent(false);
    expect(usbIdentity(flow).fingerprint).toBe(old.fingerprint);
    // The renewal is gone on the back end side too.
    await expect(backend.installRenewal(issued.renewalId)).rejects.toMatchObject({ code: 'renewalUnknown' });
  });

  it('keeps the PIN screen on a wrong PIN, with no count the token does not give', async () => {
    const { flow } = await started();
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin('0000');
    const pin = screen(flow, 'pin');
    expect(pin.error).toMatchObject({ code: 'pinIncorrect', retriesLeft: null });
    expect(pin.finalTry).toBe(false);
  });

  it('asks for confirmation at the final try and locks after a confirmed wrong PIN', async () => {
    const { flow, backend } = await started();
    const sent = vi.spyOn(backend, 'startRenewal');
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin('0000');
    await flow.submitPin('0000');
    // The second wrong PIN raised the token's final-try flag.
    let pin = screen(flow, 'pin');
    expect(pin.error).toMatchObject({ code: 'pinIncorrect', retriesLeft: 1 });
    expect(pin.finalTry).toBe(true);

    // Without the confirmation the back end refuses and nothing is spent: still the PIN screen.
    await flow.submitPin('0000');
    pin = screen(flow, 'pin');
    expect(pin.error?.code).toBe('pinFinalTry');
    expect(pin.finalTry).toBe(true);

    await flow.submitPin('0000', true);
    expect(screen(flow, 'error').error.code).toBe('pinLocked');
    expect(sent.mock.calls.map((c) => c[2])).toEqual([false, false, false, true]);

    // Locked for good: the checks before renewing say so, before any PIN is asked.
    await flow.backToList();
    await flow.renew(usbIdentity(flow).fingerprint);
    const check = screen(flow, 'precheck');
    expect(check.failed?.check).toBe('token');
    expect(check.failed?.error?.code).toBe('pinLocked');
  });

  it('does not send even a right PIN at the final try until confirmed, then renews', async () => {
    const { flow } = await started({ pinTries: 1 });
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    const pin = screen(flow, 'pin');
    expect(pin.error?.code).toBe('pinFinalTry');
    expect(pin.finalTry).toBe(true);
    await flow.submitPin(FAKE_PIN, true);
    screen(flow, 'consentInstall');
  });

  it('never confirms a final try the screen did not warn about', async () => {
    const { flow, backend } = await started();
    const sent = vi.spyOn(backend, 'startRenewal');
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin('0000', true);
    expect(sent.mock.calls[0]?.[2]).toBe(false);
  });

  it('lets a corrected PIN through after a wrong one', async () => {
    const { flow } = await started();
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin('9999');
    await flow.submitPin(FAKE_PIN);
    screen(flow, 'consentInstall');
  });

  it('shows a failed step and an error when the bank is unreachable, then reloads', async () => {
    const { flow } = await started({ failWith: { stage: 'start', code: 'bankUnreachable', atStep: 'request' } });
    let failedStep = '';
    flow.subscribe((s) => {
      if (s.kind === 'issuing') failedStep = s.steps.find((x) => x.state === 'failed')?.step ?? failedStep;
    });
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    expect(failedStep).toBe('request');
    expect(screen(flow, 'error').error.code).toBe('bankUnreachable');
    await flow.backToList();
    expect(usbIdentity(flow).status).toBe('renewalOpen');
  });

  it('tells the user to try later when the bank has not issued yet, keeping the old certificate', async () => {
    const { flow } = await started({ failWith: { stage: 'start', code: 'stillPending', atStep: 'request' } });
    const old = usbIdentity(flow);
    await flow.renew(old.fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    expect(screen(flow, 'error').error.code).toBe('stillPending');
    await flow.backToList();
    expect(usbIdentity(flow).fingerprint).toBe(old.fingerprint);
  });

  it('reports an install failure without losing the old certificate', async () => {
    const { flow } = await started({ failWith: { stage: 'install', code: 'tokenRemoved', atStep: 'install' } });
    const old = usbIdentity(flow);
    await flow.renew(old.fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    await flow.answerInstallConsent(true);
    expect(screen(flow, 'error').error.code).toBe('tokenRemoved');
    await flow.backToList();
    expect(usbIdentity(flow).fingerprint).toBe(old.fingerprint);
  });

  it('shows an error screen when the list cannot be read at all', async () => {
    const { flow } = await started({ failWith: { stage: 'list', code: 'moduleMissing' } });
    expect(screen(flow, 'error').error.code).toBe('moduleMissing');
  });

  it('ignores actions that do not belong to the current screen', async () => {
    const { flow } = await started();
    await flow.submitPin(FAKE_PIN);
    await flow.answerInstallConsent(true);
    await flow.renew('no such fingerprint');
    screen(flow, 'list');
  });

  it('discards an unfinished renewal on the token after its consent and the PIN', async () => {
    // The window opens on the renewal cut short, so it is not missed.
    const { flow } = await started({ unfinished: [{ identity: 0, stage: 'pending', stuck: true }] });
    const u = screen(flow, 'unfinished').unfinished;
    expect(u.storage).toBe('usbToken');

    flow.discardUnfinished();
    await flow.answerDiscardConsent(false);
    // いいえ changed nothing: back on the renewal's screen.
    expect(screen(flow, 'unfinished').unfinished.renewalId).toBe(u.renewalId);

    flow.discardUnfinished();
    expect(screen(flow, 'consentDiscard').unfinished.stage).toBe('pending');
    await flow.answerDiscardConsent(true);
    screen(flow, 'discardPin');
    await flow.submitDiscardPin('0000');
    expect(screen(flow, 'discardPin').error?.code).toBe('pinIncorrect');
    await flow.submitDiscardPin(FAKE_PIN);
    expect(screen(flow, 'list').listing.unfinished).toHaveLength(0);
  });

  it('discards a renewal in the PC store without a PIN, and shows a failure as an error', async () => {
    const { flow } = await started({ unfinished: [{ identity: 1, stage: 'archiving' }] });
    const u = screen(flow, 'unfinished').unfinished;
    expect(u.storage).toBe('thisPc');
    flow.discardUnfinished();
    await flow.answerDiscardConsent(true);
    expect(screen(flow, 'list').listing.unfinished).toHaveLength(0);

    const failing = await started({
      unfinished: [{ identity: 1, stage: 'interrupted' }],
      failWith: { stage: 'discard', code: 'renewalInProgress' },
    });
    failing.flow.discardUnfinished();
    await failing.flow.answerDiscardConsent(true);
    expect(screen(failing.flow, 'error').error.code).toBe('renewalInProgress');
  });

  describe('更新: where to save', () => {
    const both = { cn: 'SATO HANAKO', days: 12, storage: 'thisPc' as const, renewableInto: ['thisPc' as const, 'usbToken' as const] };

    it('offers both stores when the bank does; 専用USB asks for the PIN and renews into the token', async () => {
      const { backend, flow } = await started({ identities: [both] });
      const [pc] = screen(flow, 'list').listing.identities;
      await flow.renew(pc!.fingerprint);
      expect(screen(flow, 'chooseStore').into).toBe('thisPc');
      flow.chooseStore('usbToken');
      flow.confirmStore();
      expect(screen(flow, 'consentRequest').into).toBe('usbToken');
      await flow.answerRequestConsent(true);
      screen(flow, 'pin'); // the token's PIN, although the certificate is on this PC now
      await flow.submitPin(FAKE_PIN);
      expect(backend.lastInto).toBe('usbToken');
      const consent = screen(flow, 'consentInstall');
      expect(consent.into).toBe('usbToken');
      await flow.answerInstallConsent(true);
      expect(screen(flow, 'done').into).toBe('usbToken');
      await flow.backToList();
      expect(screen(flow, 'list').listing.identities[0]?.storage).toBe('usbToken');
    });

    it('パソコンに保存する renews without a PIN; キャンセル goes back to the list', async () => {
      const { backend, flow } = await started({ identities: [both] });
      const fp = screen(flow, 'list').listing.identities[0]!.fingerprint;
      await flow.renew(fp);
      flow.cancelStore();
      screen(flow, 'list');
      await flow.renew(fp);
      flow.confirmStore();
      await flow.answerRequestConsent(true);
      screen(flow, 'consentInstall');
      expect(backend.lastInto).toBe('thisPc');
    });

    it('専用USB while the token or its software is missing does not go on (the screen shows the preparation)', async () => {
      const absent = { code: 'tokenAbsent' as const, retriesLeft: null, at: null, detail: null };
      const { flow } = await started({ identities: [both], listErrors: [absent] });
      await flow.renew(screen(flow, 'list').listing.identities[0]!.fingerprint);
      flow.chooseStore('usbToken');
      expect(screen(flow, 'chooseStore').tokenMissing).toBe(true);
      flow.confirmStore();
      screen(flow, 'chooseStore');
      flow.chooseStore('thisPc');
      flow.confirmStore();
      screen(flow, 'consentRequest');
    });

    it('a certificate offered only where it is goes straight to 確認', async () => {
      const { flow } = await started();
      await flow.renew(usbIdentity(flow).fingerprint);
      expect(screen(flow, 'consentRequest').into).toBeNull();
    });
  });

  it('gives the window its title in the language shown', async () => {
    const { backend, flow } = await started();
    flow.setTitle('Shomei — Client certificate renewal');
    await Promise.resolve();
    expect(backend.title).toBe('Shomei — Client certificate renewal');
  });

  it('an error while renewing carries the bank, for its support contact', async () => {
    const { flow } = await started({ failWith: { stage: 'start', code: 'bankRejected' } });
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    const failed = screen(flow, 'error');
    expect(failed.error.code).toBe('bankRejected');
    expect(failed.bank?.support?.phone).toBe('0120-000-000');
  });

  it('Esc cancels where that changes nothing, and never at consent 2', async () => {
    const { backend, flow } = await started();
    const fp = usbIdentity(flow).fingerprint;
    await flow.renew(fp);
    await flow.escape();
    screen(flow, 'list');
    await flow.renew(fp);
    await flow.answerRequestConsent(true);
    await flow.escape();
    screen(flow, 'list');
    await flow.renew(fp);
    await flow.answerRequestConsent(true);
    await flow.submitPin(FAKE_PIN);
    screen(flow, 'consentInstall');
    await flow.escape();
    const still = screen(flow, 'consentInstall');
    expect(backend.pendingCount).toBe(1);
    await flow.answerInstallConsent(true);
    expect(still.issued.renewalId).toBeTruthy();
    screen(flow, 'done');
  });
});

describe('the bank’s own password', () => {
  it('is asked with the PIN when the profile says so, and passed to the back end', async () => {
    const { flow, backend } = await started({ bankPassword: 'bank-secret', bankAsksUpfront: true });
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    expect(screen(flow, 'pin').askBankPassword).toBe(true);
    await flow.submitPin(FAKE_PIN, false, 'bank-secret');
    screen(flow, 'consentInstall');
    expect(backend.lastBankPassword).toBe('bank-secret');
  });

  it('is asked for when the bank says so, with the PIN again; a wrong one is an error', async () => {
    const { flow } = await started({ bankPassword: 'bank-secret' });
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    expect(screen(flow, 'pin').askBankPassword).toBe(false);
    await flow.submitPin(FAKE_PIN);
    const again = screen(flow, 'pin');
    expect(again.askBankPassword).toBe(true);
    expect(again.error?.code).toBe('bankAuthRequired');
    await flow.submitPin(FAKE_PIN, false, 'wrong');
    expect(screen(flow, 'error').error.code).toBe('bankAuthRequired');
  });

  it('a PC renewal with a bank password asks only for that password', async () => {
    const { flow, backend } = await started({
      bankPassword: 'pw',
      bankAsksUpfront: true,
      identities: [{ cn: 'SATO HANAKO', days: 12, storage: 'thisPc' }],
    });
    const pc = screen(flow, 'list').listing.identities[0];
    expect(usesToken(pc, null)).toBe(false);
    await flow.renew(pc.fingerprint);
    await flow.answerRequestConsent(true);
    expect(screen(flow, 'pin').askBankPassword).toBe(true);
    await flow.submitPin('', false, 'pw');
    screen(flow, 'consentInstall');
    expect(backend.lastBankPassword).toBe('pw');
  });
});

describe('a wrong PIN', () => {
  it('says 残りわずか when the token says its count is low, on the PIN screen', async () => {
    const { flow } = await started();
    await flow.renew(usbIdentity(flow).fingerprint);
    await flow.answerRequestConsent(true);
    await flow.submitPin('000000');
    const pin = screen(flow, 'pin');
    expect(pin.error?.code).toBe('pinIncorrect');
    expect(pin.error?.fewLeft).toBe(true);
  });
});
