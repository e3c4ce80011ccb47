// The gallery's table stays usable: unique ids, every situation constructible, the URL
// parsed only for a known scenario. (The walks themselves run in Chromium: npm run gallery.)
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../lib/backend/fake';
import { RenewalFlow } from '../lib/flow/flow';
import { fakeOptionsFromUrl, scenarioFromUrl } from './driver';
import { GALLERY_NOW, SCENARIOS } from './scenarios';

const url = (q: string) => new URLSearchParams(q);

describe('gallery scenarios', () => {
  it('have unique ids usable as file names, a target and primary controls', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SCENARIOS) {
      expect(s.id).toMatch(/^[a-z0-9-]+$/);
      expect(s.shows).not.toBe('');
      expect(s.primary.length).toBeGreaterThan(0);
    }
  });

  it('start the flow on the list, the welcome screen, an unfinished renewal, or the error the scenario asks for', async () => {
    for (const s of SCENARIOS) {
      const options = fakeOptionsFromUrl(url(`?scenario=${s.id}`))!;
      const flow = new RenewalFlow(new FakeBackend(options));
      await flow.start();
      const first =
        s.fake?.failWith?.stage === 'list'
          ? 'error'
          : s.fake?.noProfile
            ? 'welcome'
            : s.fake?.unfinished?.length
              ? 'unfinished'
              : 'list';
      expect([s.id, flow.screen.kind]).toEqual([s.id, first]);
      flow.dispose();
    }
  });

  it('read the scenario and the language from the URL, on a fixed day, without delays', () => {
    expect(fakeOptionsFromUrl(url(''))).toBeNull();
    const options = fakeOptionsFromUrl(url('?scenario=pin-final&lang=en'))!;
    expect(options).toMatchObject({ locale: 'en', delayMs: 0, pinTries: 2 });
    expect(options.now?.toISOString()).toBe(new Date(GALLERY_NOW).toISOString());
    expect(fakeOptionsFromUrl(url('?scenario=list'))!.locale).toBe('ja');
  });

  it('refuse an unknown scenario by name instead of showing the demo', () => {
    expect(() => scenarioFromUrl(url('?scenario=nope'))).toThrow(/unknown gallery scenario 'nope'; known: list, /);
  });
});

describe('fake back end, for the gallery', () => {
  it('holds a progress step for good when told to', async () => {
    const backend = new FakeBackend({ holdAt: 'request', identities: [{ cn: 'X', days: 5, storage: 'thisPc' }] });
    const [identity] = (await backend.listIdentities()).identities;
    const seen: string[] = [];
    await backend.onProgress((e) => seen.push(`${e.step}:${e.phase}`));
    let settled = false;
    void backend.startRenewal(identity!.fingerprint, '', false).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    expect(seen[seen.length - 1]).toBe('request:started');
  });

  it('lists a certificate no profile claims as 発行元不明, not renewable', async () => {
    const backend = new FakeBackend({ identities: [{ cn: 'X', days: 5, storage: 'thisPc', bank: null }] });
    const [identity] = (await backend.listIdentities()).identities;
    expect(identity).toMatchObject({ bank: null, notRenewable: { reason: 'unknownIssuer' }, renewableInto: [] });
  });

  it('reports the locale it is given, and names the failed store', async () => {
    const backend = new FakeBackend({
      locale: 'en',
      failWith: { stage: 'start', code: 'tokenAbsent', atStep: 'check', into: 'usbToken' },
      identities: [{ cn: 'X', days: 5, storage: 'thisPc' }],
    });
    expect((await backend.appInfo()).locale).toBe('en');
    const [identity] = (await backend.listIdentities()).identities;
    await expect(backend.startRenewal(identity!.fingerprint, '', false)).rejects.toMatchObject({
      code: 'tokenAbsent',
      into: 'usbToken',
    });
  });
});
