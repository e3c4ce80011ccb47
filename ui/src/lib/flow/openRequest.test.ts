// `shomei --open FP` and the tray's 更新する reach the window as a request the flow takes
// once: on the list it starts that renewal; during another renewal it waits for the list.
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../backend/fake';
import { RenewalFlow } from './flow';

const NOW = new Date('2026-11-24T03:00:00Z');

async function started() {
  const backend = new FakeBackend({ now: NOW });
  const flow = new RenewalFlow(backend);
  await flow.start();
  return { backend, flow };
}

function identities(flow: RenewalFlow) {
  const s = flow.screen;
  if (s.kind !== 'list') throw new Error(`expected the list, got ${s.kind}`);
  return s.listing.identities;
}

/** Lets the request's own promises (take, then renew) settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('a renewal asked for from outside the window', () => {
  it('starts the renewal of that identity when the list is on screen, once', async () => {
    const { backend, flow } = await started();
    const target = identities(flow).find((i) => i.status === 'renewalOpen')!;
    // Colons and case as a script might type them.
    backend.requestOpen(target.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
    await settle();
    expect(flow.screen.kind).toBe('consentRequest');
    expect(await backend.takeOpenRequest()).toBeNull();
  });

  it('waits during another renewal and is served when the list comes back', async () => {
    const { backend, flow } = await started();
    const [first, second] = identities(flow).filter((i) => i.notRenewable === null && i.renewableInto.length > 0);
    expect(second).toBeDefined();
    await flow.renew(first!.fingerprint);
    expect(flow.screen.kind).toBe('consentRequest');
    backend.requestOpen(second!.fingerprint);
    await settle();
    expect(flow.screen.kind).toBe('consentRequest'); // the renewal under way is not cut short
    await flow.answerRequestConsent(false); // いいえ: back to the list
    await settle();
    // Its checks (電子証明書更新前処理中) run first, for the identity asked for.
    const s = flow.screen;
    expect(['precheck', 'chooseStore', 'consentRequest']).toContain(s.kind);
    expect('identity' in s && s.identity?.fingerprint).toBe(second!.fingerprint);
  });

  it('an unknown fingerprint leaves the list as it is', async () => {
    const { backend, flow } = await started();
    backend.requestOpen('00'.repeat(32));
    await settle();
    expect(flow.screen.kind).toBe('list');
  });
});
