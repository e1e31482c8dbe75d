import { describe, expect, it } from 'vitest';
import { operationalHarness } from '../testing/module-harness.js';
import { imageJson } from './image-json.js';
import { MemoryNvmStore } from './memory-nvm-store.js';
import { emptyNvmImage, type NvmImage } from './nvm-image.js';

describe('imageJson', () => {
  it('is JSON.stringify of an empty image and of a real operational module, also after a section changes', async () => {
    expect(imageJson(emptyNvmImage())).toBe(JSON.stringify(emptyNvmImage()));
    const nvm = new MemoryNvmStore();
    await operationalHarness({ nvm });
    const text = nvm.text;
    if (text === null) throw new Error('no NVM written');
    const image = JSON.parse(text) as NvmImage;
    expect(imageJson(image)).toBe(JSON.stringify(image));
    // Cached now: a replaced section (as SectionDraft does) shows, the others come from the cache.
    const audit = { ...image.sections.audit, nextSequence: image.sections.audit.nextSequence + 1 };
    const next: NvmImage = {
      ...image,
      bootCount: image.bootCount + 1,
      sections: { ...image.sections, audit },
    };
    expect(imageJson(next)).toBe(JSON.stringify(next));
    expect(imageJson(next)).not.toBe(imageJson(image));
  });

  it('writes what a durable write of the module wrote (MemoryNvmStore keeps imageJson)', async () => {
    const nvm = new MemoryNvmStore();
    await operationalHarness({ nvm });
    const text = nvm.text;
    if (text === null) throw new Error('no NVM written');
    expect(nvm.writes).toBeGreaterThan(1);
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('skips undefined values and keeps key order, as JSON.stringify does', () => {
    const image = { ...emptyNvmImage(), extra: undefined, 7: 'x' } as unknown as NvmImage;
    expect(imageJson(image)).toBe(JSON.stringify(image));
  });

  it('caches the audit outbox entry by entry: a grown or shrunk outbox is still JSON.stringify', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    const image = JSON.parse(nvm.text ?? 'null') as NvmImage;
    const outbox = image.sections.audit.outbox;
    expect(outbox.length).toBeGreaterThan(2);
    expect(imageJson(image)).toBe(JSON.stringify(image));
    const extra = { ...(h.audit.at(-1) as (typeof outbox)[number]), sequence: outbox.length };
    for (const next of [[...outbox, extra], outbox.slice(2), []]) {
      const changed: NvmImage = {
        ...image,
        sections: { ...image.sections, audit: { ...image.sections.audit, outbox: next } },
      };
      expect(imageJson(changed)).toBe(JSON.stringify(changed));
    }
    // An entry, once written, is frozen like a section: it is never edited in place.
    expect(Object.isFrozen(outbox[0])).toBe(true);
  });

  it('freezes a section it has cached, so an in-place edit throws instead of going stale', () => {
    const image = emptyNvmImage();
    imageJson(image);
    const audit = image.sections.audit as { nextSequence: number };
    expect(() => {
      audit.nextSequence = 5;
    }).toThrow(TypeError);
  });
});
